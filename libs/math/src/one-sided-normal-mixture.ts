import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { MathInputError } from './math-input-error';

/**
 * Log of the one-sided normal-mixture likelihood ratio (mixture SPRT) for a drift θ > 0 of a
 * score process with information I, given its standardised statistic Z = S/√I:
 *   Λ = ∫₀^∞ exp(θS − θ²I/2) · 2φ(θ/τ)/τ dθ
 *     = 2/√(1 + τ²I) · exp(r·Z²/2) · Φ(Z·√r),   r = τ²I / (1 + τ²I),
 * the half-normal prior (scale τ) putting its mass on the alternative θ > 0. Under θ ≤ 0, Λ is a
 * non-negative supermartingale in information time, so by Ville's inequality
 * P(Λ ever reaches 1/α) ≤ α however often and whenever it is looked at: 1/Λ is an always-valid
 * p-value and Λ ≥ 1/α a time-uniform boundary. Normal theory: for counts, exact in the limit
 * (as for Optimizely's mSPRT on proportions).
 *
 * References: S. R. Howard, A. Ramdas, J. McAuliffe and J. Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2), 2021 (the
 * normal-mixture boundaries, one-sided variant); R. Johari, P. Koomen, L. Pekelis and D. Walsh,
 * "Always valid inference: continuous monitoring of A/B tests", Operations Research 70(3), 2022
 * (the mSPRT and its always-valid p-value).
 *
 * @example oneSidedNormalMixtureLogRatio(4, 10_000, 0.02) // → 6.2883 (Λ ≈ 538)
 */
export function oneSidedNormalMixtureLogRatio(z: number, information: number, tau: number): number {
  const fn = 'oneSidedNormalMixtureLogRatio';
  if (typeof z !== 'number' || Number.isNaN(z)) throw new MathInputError(fn, `z must be a number, got ${String(z)}`);
  if (typeof information !== 'number' || !(information >= 0 && Number.isFinite(information))) throw new MathInputError(fn, `information must be a finite number >= 0, got ${String(information)}`);
  if (typeof tau !== 'number' || !(tau > 0 && Number.isFinite(tau))) throw new MathInputError(fn, `tau must be a finite number > 0, got ${String(tau)}`);
  const v = tau * tau * information;
  const r = v / (1 + v);
  // Summed in logs: exp(r·Z²/2) overflows long before Λ's log does; Φ may underflow to 0 (log −∞,
  // Λ = 0) only when Z is far below 0, where there is no evidence at all.
  return Math.LN2 - 0.5 * Math.log1p(v) + (r * z * z) / 2 + Math.log(normalCdf(z * Math.sqrt(r), 0, 1));
}
