import { tangoScoreBound } from '@lynx/math';
import { ValidationError } from '@lynx/schema';
import { GATE_FAIL_ALPHA } from './constants';
import type { BucketVerdict, PairedBucketCounts, PairedBucketResult, PairedGateDecision } from './types';

export interface DecideOptions {
  tolerance: number;
  alpha: number;
  failAlpha?: number;
}

/**
 * The paired gate's rule on per-bucket tallies (decidePairedGate tallies the per-item outcomes and
 * calls this; the decisions benchmark tallies its simulated items itself and calls it directly).
 * With b pairs the baseline got right and the candidate wrong and c the reverse, candidate −
 * baseline = (c − b)/n gets a one-sided Tango score lower bound at 1 − alpha and an upper bound
 * at 1 − failAlpha/K (K gating buckets, Bonferroni). pass: lower > −tolerance; fail: upper <
 * −tolerance; else inconclusive. The candidate passes only if every gating bucket passes
 * (intersection–union); any gating fail fails it; otherwise inconclusive.
 */
export function decideFromCounts(counts: readonly PairedBucketCounts[], options: DecideOptions): PairedGateDecision {
  const { tolerance, alpha } = options;
  const failAlpha = options.failAlpha ?? GATE_FAIL_ALPHA;
  if (typeof tolerance !== 'number' || !(tolerance > 0 && tolerance < 1)) throw new ValidationError(`tolerance must be in (0, 1), got ${String(tolerance)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) throw new ValidationError(`alpha must be in (0, 0.5), got ${String(alpha)}`);
  if (typeof failAlpha !== 'number' || !(failAlpha > 0 && failAlpha < 0.5)) throw new ValidationError(`failAlpha must be in (0, 0.5), got ${String(failAlpha)}`);
  const gatingCount = counts.filter((s) => s.gating).length;
  if (gatingCount === 0) throw new ValidationError('no bucket gates: a gate that checks nothing cannot pass a candidate; mark at least one bucket gating');
  const failAlphaPerBucket = failAlpha / gatingCount;
  const buckets = counts
    .map((k): PairedBucketResult => {
      const { n, b, c } = k;
      if (!(Number.isInteger(n) && n > 0 && Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0 && b + c <= n)) {
        throw new ValidationError(`bucket ${k.name}: counts must be integers with n > 0 and b + c <= n; got n ${n}, b ${b}, c ${c}`, { bucket: k.name });
      }
      // Tango's Δ = p12 − p21 with the candidate first: n12 = c (only the candidate right), n21 = b.
      const lower = tangoScoreBound(c, b, n, alpha, 'lower');
      const upper = tangoScoreBound(c, b, n, failAlphaPerBucket, 'upper');
      const verdict: BucketVerdict = lower > -tolerance ? 'pass' : upper < -tolerance ? 'fail' : 'inconclusive';
      return {
        name: k.name,
        gating: k.gating,
        n,
        baselineCorrect: k.baselineCorrect,
        candidateCorrect: k.candidateCorrect,
        baselineAccuracy: k.baselineCorrect / n,
        candidateAccuracy: k.candidateCorrect / n,
        b,
        c,
        diff: (c - b) / n,
        lower,
        upper,
        verdict,
      };
    })
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const gating = buckets.filter((r) => r.gating);
  const failing = gating.filter((r) => r.verdict === 'fail').map((r) => r.name);
  const inconclusive = gating.filter((r) => r.verdict === 'inconclusive').map((r) => r.name);
  const verdict: BucketVerdict = failing.length > 0 ? 'fail' : inconclusive.length > 0 ? 'inconclusive' : 'pass';
  return { verdict, tolerance, alpha, failAlpha, failAlphaPerBucket, buckets, failing, inconclusive };
}
