import { chiSquareTest, type ChiSquareResult } from '@lynx/math';

/** Chi-square needs every expected count ≥ 5; smaller columns are pooled into one. */
export const CHI_MIN_EXPECTED = 5;

/**
 * Pearson's 2×k chi-square of reference vs current counts (chiSquareTest), after pooling the
 * columns whose expected count is below 5 into one column — Cochran's rule (Cochran, "Some methods
 * for strengthening the common χ² tests", Biometrics 1954). Null when fewer than two columns remain
 * or a side is empty: nothing then shows the difference is more than noise.
 */
export function pooledChiSquare(ref: readonly number[], cur: readonly number[]): ChiSquareResult | null {
  if (ref.length !== cur.length) throw new RangeError(`pooledChiSquare: reference and current must have the same length (${ref.length} vs ${cur.length})`);
  const rs = ref.reduce((s, v) => s + v, 0);
  const cs = cur.reduce((s, v) => s + v, 0);
  if (rs === 0 || cs === 0) return null;
  const total = rs + cs;
  const keepRef: number[] = [];
  const keepCur: number[] = [];
  let poolRef = 0;
  let poolCur = 0;
  ref.forEach((r, i) => {
    const col = r + cur[i];
    if ((Math.min(rs, cs) * col) / total >= CHI_MIN_EXPECTED) {
      keepRef.push(r);
      keepCur.push(cur[i]);
    } else {
      poolRef += r;
      poolCur += cur[i];
    }
  });
  if ((Math.min(rs, cs) * (poolRef + poolCur)) / total >= CHI_MIN_EXPECTED) {
    keepRef.push(poolRef);
    keepCur.push(poolCur);
  }
  if (keepRef.length < 2) return null;
  return chiSquareTest([keepRef, keepCur]);
}
