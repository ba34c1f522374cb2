// Types for the Kolmogorov distribution routine inside @stdlib/stats-kstest (pinned
// 0.2.3). The package exposes it only to its own one-sample test, so it is imported by
// file; the exact version pin keeps these paths stable.
declare module '@stdlib/stats-kstest/lib/marsaglia.js' {
  /** P(D_n < d) for the two-sided one-sample statistic (Marsaglia, Tsang & Wang 2003). */
  function pKolmogorov(d: number, n: number): number;
  export = pKolmogorov;
}
