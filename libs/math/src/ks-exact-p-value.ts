// Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic, ported from scipy
// (scipy/stats/_stats_py.py `_compute_prob_outside_square` and
// scipy/stats/_stats_pythran.py `_compute_outer_prob_inside_method`, BSD-3-Clause).
// Sources: Hodges, "The significance probability of the Smirnov two-sample test", Arkiv för
// Matematik 3 (1958) 469–486; Viehmann, "Numerically more stable computation of the p-values
// for the two-sample Kolmogorov-Smirnov test", arXiv:2102.08037 (2021).

/**
 * P(D_{n1,n2} >= h / lcm(n1, n2)) under H0 (all C(n1+n2, n1) orderings equally likely), or
 * null when rounding made the result leave [0, 1] (the caller then uses the asymptotic form,
 * as scipy does).
 */
export function ksExactPValue(n1: number, n2: number, h: number): number | null {
  if (h === 0) return 1;
  const g = gcd(n1, n2);
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  return p >= 0 && p <= 1 ? p : null;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

// n1 = n2 = n: P = 2·Σ_k (−1)^(k−1) C(2n, n−kh)/C(2n, n), in Horner form to avoid cancellation.
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

// Lattice paths from (0,0) to (m,n) that leave the band |nx/g − my/g| < h, as a proportion,
// accumulated column by column over a sliding window (Viehmann's recursion for 1 − p).
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}
