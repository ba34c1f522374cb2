import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { MathInputError } from './math-input-error';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
}

/**
 * Pearson's chi-square test of independence on an r×c contingency table, without Yates'
 * continuity correction: X² = Σ (O − E)² / E with E_ij = row_i · col_j / N, dof = (r−1)(c−1),
 * p = 1 − F_χ²(X²; dof). Same as scipy.stats.chi2_contingency(table, correction=False) and R's
 * chisq.test(table, correct = FALSE).
 *
 * Definition: https://en.wikipedia.org/wiki/Pearson%27s_chi-squared_test#Testing_for_statistical_independence
 *
 * @example chiSquareTest([[10, 10, 20], [20, 20, 20]]) // → { statistic: 2.7778, pValue: 0.24935, dof: 2 }
 * @throws MathInputError on a ragged/empty table, negative or non-finite counts, fewer than two
 *   rows or columns, or a row/column summing to zero (its expected counts would be 0).
 */
export function chiSquareTest(table: readonly (readonly number[])[]): ChiSquareResult {
  const fn = 'chiSquareTest';
  if (!Array.isArray(table) || table.length < 2) throw new MathInputError(fn, 'table must have at least 2 rows');
  const cols = Array.isArray(table[0]) ? table[0].length : 0;
  if (cols < 2) throw new MathInputError(fn, 'table must have at least 2 columns');
  const rowSums = new Array<number>(table.length).fill(0);
  const colSums = new Array<number>(cols).fill(0);
  table.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) throw new MathInputError(fn, `row ${i} must have ${cols} cells`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new MathInputError(fn, `table[${i}][${j}] must be a finite count >= 0, got ${String(v)}`);
      }
      rowSums[i] += v;
      colSums[j] += v;
    });
  });
  rowSums.forEach((s, i) => {
    if (s === 0) throw new MathInputError(fn, `row ${i} sums to zero`);
  });
  colSums.forEach((s, j) => {
    if (s === 0) throw new MathInputError(fn, `column ${j} sums to zero`);
  });
  const total = rowSums.reduce((a, b) => a + b, 0);
  let statistic = 0;
  for (let i = 0; i < table.length; i++) {
    for (let j = 0; j < cols; j++) {
      const expected = (rowSums[i] * colSums[j]) / total;
      statistic += (table[i][j] - expected) ** 2 / expected;
    }
  }
  const dof = (table.length - 1) * (cols - 1);
  return { statistic, pValue: 1 - chisquareCdf(statistic, dof), dof };
}
