import { MathInputError } from './math-input-error';

// Shared input checks. Each takes the public function's name so the error names it.

export function assertFiniteArray(fn: string, name: string, xs: readonly number[]): void {
  if (!Array.isArray(xs)) throw new MathInputError(fn, `${name} must be an array of numbers`);
  if (xs.length === 0) throw new MathInputError(fn, `${name} must not be empty`);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new MathInputError(fn, `${name}[${i}] must be a finite number, got ${String(v)}`);
    }
  }
}

export function assertCounts(fn: string, name: string, xs: readonly number[]): void {
  assertFiniteArray(fn, name, xs);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < 0) throw new MathInputError(fn, `${name}[${i}] must not be negative, got ${xs[i]}`);
    total += xs[i];
  }
  if (total <= 0) throw new MathInputError(fn, `${name} must not be all zero`);
}

export function assertSameLength(fn: string, a: string, b: string, xs: readonly number[], ys: readonly number[]): void {
  if (xs.length !== ys.length) {
    throw new MathInputError(fn, `${a} and ${b} must have the same length (${xs.length} vs ${ys.length})`);
  }
}

export function assertEpsilon(fn: string, epsilon: number): void {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new MathInputError(fn, `epsilon must be a finite number >= 0, got ${String(epsilon)}`);
  }
}

export function assertCount(fn: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new MathInputError(fn, `${name} must be a non-negative integer, got ${String(v)}`);
  }
}
