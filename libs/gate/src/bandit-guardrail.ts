import { oneSidedNormalMixtureLogRatio } from '@lynx/math';
import { ValidationError } from '@lynx/schema';

export interface BanditErrorCounts {
  name: string;
  requests: number;
  errors: number;
}

export interface GuardrailResult {
  name: string;
  drop: boolean;
  /**
   * Always-valid one-sided p of "this arm errs more often than the other live arms together"
   * (1/Λ of the mixture SPRT, capped at 1): below α/k at any look, however many were taken,
   * with probability ≤ α/k when the arm is not worse. Null when too few requests to test.
   */
  p_value: number | null;
  /** The mixture likelihood ratio Λ and the level it is held to (α/k); null with p_value. */
  evidence?: number | null;
  level?: number | null;
  reason: string;
}

export interface GuardrailOptions {
  /** Family-wise false-drop probability over the whole run, all arms and all looks (default 0.01). */
  alpha?: number;
  /** Scale of the half-normal mixing prior on the rise in error rate (default 0.02, 2 pp). */
  tau?: number;
  /** Smallest absolute rise in error rate worth dropping an arm for (default 0.01). */
  minRise?: number;
  /** Requests an arm (and the others together) need before it is tested (default 50). */
  minRequests?: number;
  /**
   * Errors the smaller side must expect at the pooled rate before it is tested (default 5,
   * Cochran's rule for the normal approximation): with fewer, the error count's skew makes the
   * normal score overstate the evidence, most for an arm held at the floor.
   */
  minExpectedErrors?: number;
}

/**
 * The bandit's error-rate guardrail, re-run at every reallocation: each live arm's error rate
 * against the pooled other live arms with a one-sided mixture SPRT (Johari et al. 2022's mSPRT
 * with the half-normal mixture of Howard et al. 2021) on the pooled two-proportion score,
 * Z = (p₁ − p₂)/√(P(1−P)(1/n₁ + 1/n₂)), information I = 1/(P(1−P)(1/n₁ + 1/n₂)). An arm is
 * dropped when Λ ≥ k/α (its always-valid p ≤ α/k, Bonferroni over the k live arms), the rise is at
 * least `minRise` and both sides have `minRequests`. Because Λ is a supermartingale under "not
 * worse", the chance an arm that errs no more than the others is ever dropped stays ≤ α over the
 * whole run, however many reallocations look; no state between looks is needed, the counts are
 * cumulative. Normal theory, so exact in the limit; bench/decisions measures it at 1 % errors.
 * Pure; the gate's bandit service and the decisions benchmark call it.
 */
export function banditGuardrail(arms: readonly BanditErrorCounts[], opts: GuardrailOptions = {}): GuardrailResult[] {
  const alpha = opts.alpha ?? 0.01;
  const tau = opts.tau ?? 0.02;
  const minRise = opts.minRise ?? 0.01;
  const minRequests = opts.minRequests ?? 50;
  const minExpected = opts.minExpectedErrors ?? 5;
  if (!(alpha > 0 && alpha < 1)) throw new ValidationError(`banditGuardrail: alpha must be in (0, 1), got ${alpha}`);
  if (!(tau > 0 && Number.isFinite(tau))) throw new ValidationError(`banditGuardrail: tau must be a finite number > 0, got ${tau}`);
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
    if (a.requests < minRequests || n2 < minRequests) {
      return { name: a.name, drop: false, p_value: null, evidence: null, level: null, reason: `too few requests to test (${a.requests} vs ${n2}; need ${minRequests} each)` };
    }
    const p1 = a.errors / a.requests;
    const p2 = x2 / n2;
    const pooled = (a.errors + x2) / (a.requests + n2);
    const expected = pooled * Math.min(a.requests, n2);
    if (expected < minExpected) {
      return { name: a.name, drop: false, p_value: null, evidence: null, level: null, reason: `too few errors to test (${expected.toFixed(1)} expected on the smaller side at the pooled rate; need ${minExpected})` };
    }
    const variance = pooled * (1 - pooled) * (1 / a.requests + 1 / n2);
    // No errors anywhere (or errors everywhere): no evidence either way, Λ = 1.
    const logRatio = variance === 0 ? 0 : oneSidedNormalMixtureLogRatio((p1 - p2) / Math.sqrt(variance), 1 / variance, tau);
    const evidence = Math.exp(logRatio);
    const p = Math.min(1, Math.exp(-logRatio));
    const drop = p <= level && p1 - p2 >= minRise;
    const rates = `error rate ${(p1 * 100).toFixed(2)} % vs ${(p2 * 100).toFixed(2)} % on the other arms (always-valid mixture SPRT p = ${p.toPrecision(3)}, level ${level.toPrecision(3)} over the whole run)`;
    return { name: a.name, drop, p_value: p, evidence, level, reason: drop ? `dropped: ${rates}` : `kept: ${rates}` };
  });
}
