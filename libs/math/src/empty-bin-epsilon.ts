/**
 * The one smoothing constant for empty bins, used by `klDivergence` and `psi`.
 *
 * Rule (see `smoothProportions`): both distributions are first normalised to proportions, then
 * EMPTY_BIN_EPSILON is added to EVERY bin of BOTH and each is renormalised:
 * p'_i = (p_i + ε) / (1 + kε), k = number of bins.
 *
 * Why this shape: Evidently #334 ("PSI is inf/NaN when a bin is empty") showed that
 * ln(a/e) blows up when one side has an empty bin; patching only the zero bins of one side
 * makes the result depend on which side had the zero and jump when a bin goes from 0 to 1
 * count. Adding ε to every bin of both sides keeps KL/PSI finite, keeps PSI symmetric,
 * is continuous in the counts, and leaves the total mass at 1. The value 1e-4 is the
 * magnitude Evidently settled on (0.0001 of a proportion); it caps the contribution of one
 * empty bin at roughly p·ln(p/1e-4) — about 0.69 for p = 0.1 — instead of infinity.
 * Pass `epsilon = 0` to the functions to get the unsmoothed textbook value (as scipy).
 */
export const EMPTY_BIN_EPSILON = 1e-4;
