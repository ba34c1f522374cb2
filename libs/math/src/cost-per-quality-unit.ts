import { MathInputError } from './math-input-error';

/**
 * Cost per quality unit (CpQU): what one unit of quality costs, cost ÷ quality. A variant that
 * is half the price but also half as accurate has the same CpQU.
 *
 * Definition: CpQU = costPer1kTokens / quality, quality in (0, 1] (e.g. eval accuracy).
 *
 * @example costPerQualityUnit(0.02, 0.8) // → 0.025
 */
export function costPerQualityUnit(costPer1kTokens: number, quality: number): number {
  const fn = 'costPerQualityUnit';
  if (typeof costPer1kTokens !== 'number' || !Number.isFinite(costPer1kTokens) || costPer1kTokens < 0) {
    throw new MathInputError(fn, `costPer1kTokens must be a finite number >= 0, got ${String(costPer1kTokens)}`);
  }
  if (typeof quality !== 'number' || !(quality > 0 && quality <= 1)) {
    throw new MathInputError(fn, `quality must be in (0, 1], got ${String(quality)}`);
  }
  return costPer1kTokens / quality;
}
