/**
 * Nearest-rank percentile (q in [0, 100]) of unsorted values; undefined for none. The value at
 * rank ⌈q/100 · n⌉ of the sorted values, as Prometheus-free dashboards and Argo's job metrics read it.
 */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile: q must be in [0, 100], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
  return sorted[rank - 1];
}
