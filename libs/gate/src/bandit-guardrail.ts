import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { ValidationError } from '@lynx/schema';

export interface BanditErrorCounts {
  name: string;
  requests: number;
  errors: number;
}

export interface GuardrailResult {
  name: string;
  drop: boolean;
  /** One-sided p of "this arm errs more often than the other live arms together". */
  p_value: number | null;
  reason: string;
}

/**
 * The bandit's error-rate guardrail: each live arm's error rate against the pooled other arms
 * with a one-sided pooled two-proportion z-test (H₁: this arm errs more), Bonferroni-corrected
 * over the arms (α/k). An arm is dropped only when the test rejects and the rise is at least
 * `minRise` (absolute), and only with `minRequests` of its own; otherwise it stays. The default
 * α = 0.001 is low because the guardrail is re-run at every reallocation. Pure; the gate's bandit
 * service and the decisions benchmark call it.
 */
export function banditGuardrail(arms: readonly BanditErrorCounts[], opts: { alpha?: number; minRise?: number; minRequests?: number } = {}): GuardrailResult[] {
  const alpha = opts.alpha ?? 0.001;
  const minRise = opts.minRise ?? 0.01;
  const minRequests = opts.minRequests ?? 50;
  if (!(alpha > 0 && alpha < 1)) throw new ValidationError(`banditGuardrail: alpha must be in (0, 1), got ${alpha}`);
  for (const a of arms) {
    if (!(Number.isInteger(a.requests) && Number.isInteger(a.errors) && a.errors >= 0 && a.errors <= a.requests)) {
      throw new ValidationError(`banditGuardrail: arm ${a.name} needs 0 <= errors <= requests (integers), got ${a.errors}/${a.requests}`);
    }
  }
  const level = alpha / Math.max(1, arms.length);
  return arms.map((a) => {
    const others = arms.filter((o) => o !== a);
    const n2 = others.reduce((s, o) => s + o.requests, 0);
    const x2 = others.reduce((s, o) => s + o.errors, 0);
    if (a.requests < minRequests || n2 < minRequests) return { name: a.name, drop: false, p_value: null, reason: `too few requests to test (${a.requests} vs ${n2}; need ${minRequests} each)` };
    const p1 = a.errors / a.requests;
    const p2 = x2 / n2;
    const pooled = (a.errors + x2) / (a.requests + n2);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.requests + 1 / n2));
    const p = se === 0 ? 1 : normalCdf(-(p1 - p2) / se, 0, 1);
    const drop = p < level && p1 - p2 >= minRise;
    const rates = `error rate ${(p1 * 100).toFixed(2)} % vs ${(p2 * 100).toFixed(2)} % on the other arms (one-sided z-test p = ${p.toPrecision(3)}, level ${level.toPrecision(3)})`;
    return { name: a.name, drop, p_value: p, reason: drop ? `dropped: ${rates}` : `kept: ${rates}` };
  });
}
