/**
 * Upper tail P(D_n^+ >= d) of the one-sided one-sample Kolmogorov–Smirnov statistic
 * (scipy.special.smirnov(n, d)), by the exact Birnbaum–Tingey sum
 *   d · Σ_{j=0}^{⌊n(1−d)⌋} C(n, j) (1 − d − j/n)^(n−j) (d + j/n)^(j−1),
 * Birnbaum & Tingey, "One-sided confidence contours for probability distribution functions",
 * Ann. Math. Statist. 22 (1951) 592–596. All terms are positive, so summing in log space is
 * stable. Written here instead of using stdlib's kstest-internal copy because that one returns
 * NaN when 1 − d − j/n rounds to a tiny negative number (e.g. n = 5000, d = 0.07 + 2e-17).
 */
export function smirnovSf(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  let logBinom = 0; // ln C(n, j), updated incrementally
  let sum = 0;
  const last = Math.floor(n * (1 - d));
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinom += Math.log((n - j + 1) / j);
    const rest = 1 - d - j / n;
    if (rest <= 0) continue; // (n − j) > 0 here, so the term is 0
    sum += Math.exp(logBinom + (n - j) * Math.log(rest) + (j - 1) * Math.log(d + j / n));
  }
  return Math.min(1, d * sum);
}
