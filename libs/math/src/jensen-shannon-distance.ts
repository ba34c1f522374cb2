import { assertCounts, assertSameLength } from './guards';
import { normalize } from './normalize';

/**
 * Jensen–Shannon distance in base 2: sqrt(JSD(P‖Q)), where JSD = ½ D_KL(P‖M) + ½ D_KL(Q‖M),
 * M = ½(P + Q). Lies in [0, 1] and is a metric.
 *
 * Definition: https://en.wikipedia.org/wiki/Jensen%E2%80%93Shannon_divergence — computed as
 * scipy.spatial.distance.jensenshannon(p, q, base=2). Counts are normalised inside. No
 * epsilon: JS is finite with empty bins (M_i > 0 wherever p_i or q_i is), so the value stays
 * identical to scipy's.
 *
 * @example jensenShannonDistance([1, 0, 0], [0, 1, 0]) // → 1
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const fn = 'jensenShannonDistance';
  assertCounts(fn, 'p', p);
  assertCounts(fn, 'q', q);
  assertSameLength(fn, 'p', 'q', p, q);
  const ps = normalize(p, fn);
  const qs = normalize(q, fn);
  let js = 0;
  for (let i = 0; i < ps.length; i++) {
    const m = (ps[i] + qs[i]) / 2;
    if (ps[i] > 0) js += ps[i] * Math.log(ps[i] / m);
    if (qs[i] > 0) js += qs[i] * Math.log(qs[i] / m);
  }
  const divergence = js / 2 / Math.LN2;
  // Clamp rounding noise so the sqrt never sees a tiny negative and the bound 1 holds.
  return Math.sqrt(Math.min(1, Math.max(0, divergence)));
}
