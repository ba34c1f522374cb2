import pKolmogorov from '@stdlib/stats-kstest/lib/marsaglia.js';
import { pelzGoodCdf } from './pelz-good';
import { smirnovSf } from './smirnov-sf';

/**
 * Survival function P(D_n >= x) of the two-sided one-sample Kolmogorov–Smirnov statistic
 * D_n — scipy.stats.kstwo.sf(x, n), which ks_2samp's 'asymp' mode evaluates at
 * n = round(n1·n2/(n1+n2)).
 *
 * Follows scipy's dispatch (scipy.stats._ksstats._kolmogn, after Simard & L'Ecuyer 2011,
 * "Computing the two-sided Kolmogorov-Smirnov distribution", J. Stat. Softw. 39(11)):
 * Ruben–Gambino closed forms at the ends, 2× the one-sided Smirnov tail (`smirnovSf`) in the
 * upper tail, the Durbin matrix method of Marsaglia–Tsang–Wang
 * (stdlib) where it is cheap, Pelz–Good otherwise. One difference: for n <= 140 and
 * 0.754693 < n·x² <= 4 scipy uses Pomeranz's algorithm; here the Marsaglia–Tsang–Wang one,
 * which computes the same exact probability.
 */
export function kolmogorovSf(n: number, x: number): number {
  const clip = (p: number) => Math.min(1, Math.max(0, p));
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // P(D_n <= x) = n!/n^n · (2t − 1)^n
    let logCdf = n * Math.log(2 * t - 1);
    for (let i = 1; i <= n; i++) logCdf += Math.log(i / n);
    return clip(1 - Math.exp(logCdf));
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  const smirnov2 = () => clip(2 * smirnovSf(n, x));
  if (x >= 0.5) return smirnov2();
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - pKolmogorov(x, n));
    return smirnov2();
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return smirnov2();
  if (n <= 100000 && n * x ** 1.5 <= 1.4) return clip(1 - pKolmogorov(x, n));
  return clip(1 - pelzGoodCdf(n, x));
}
