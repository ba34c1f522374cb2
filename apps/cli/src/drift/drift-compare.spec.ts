import { psi } from '@lynx/math';
import { CliError } from '../exit';
import { compareDrift, formatDriftTable } from './drift-compare';
import { parseDriftInput } from './drift-input';

const hist = (bins: string[], counts: number[]) => ({ kind: 'histogram' as const, bins, counts });

describe('parseDriftInput', () => {
  it('accepts both shapes; numeric labels become strings', () => {
    expect(parseDriftInput('{"bins":[1,"b"],"counts":[2,0]}', 'r.json')).toEqual(hist(['1', 'b'], [2, 0]));
    expect(parseDriftInput('{"values":[1.5,-2]}', 'r.json')).toEqual({ kind: 'values', values: [1.5, -2] });
  });
  it.each([
    ['not json', /^r\.json: not valid JSON/],
    ['[1,2]', /^r\.json: expected \{"bins"/],
    ['{"bins":["a"]}', /^r\.json: expected \{"bins"/],
    ['{"bins":["a","b"],"counts":[1]}', 'r.json: "bins" and "counts" must have the same length (2 vs 1)'],
    ['{"bins":["a"],"counts":[-1]}', 'r.json: counts[0] is negative (-1); counts must be >= 0'],
    ['{"bins":["a"],"counts":[0]}', /^r\.json: "counts" are all zero/],
    ['{"bins":["a","a"],"counts":[1,1]}', /^r\.json: bin label "a" appears twice/],
    ['{"values":[]}', 'r.json: "values" must be a non-empty array of numbers'],
    ['{"values":[1,"x"]}', 'r.json: values[1] must be a finite number, got "x"'],
    ['{"values":[1],"counts":[1]}', /^r\.json: give either "values"/],
  ])('rejects %s with a message naming the file', (text, message) => {
    const run = () => parseDriftInput(text, 'r.json');
    expect(run).toThrow(CliError);
    expect(run).toThrow(message);
  });
});

describe('compareDrift', () => {
  it('identical histograms: zero divergence, verdict none', () => {
    const c = compareDrift(hist(['a', 'b'], [5, 5]), hist(['a', 'b'], [10, 10]));
    expect(c.metrics.map((m) => [m.metric, m.value, m.verdict])).toEqual([
      ['PSI', 0, 'none'],
      ['KL', 0, 'none'],
      ['JS', 0, 'none'],
    ]);
    expect(c.verdict).toBe('none');
  });
  it('aligns histograms by label, zero for a label one side lacks', () => {
    const c = compareDrift(hist(['a', 'b'], [5, 5]), hist(['b', 'c'], [4, 1]));
    expect(c.bins).toEqual(['a', 'b', 'c']);
    expect(c.referenceCounts).toEqual([5, 5, 0]);
    expect(c.currentCounts).toEqual([0, 4, 1]);
    expect(c.metrics[0].value).toBeCloseTo(psi([5, 5, 0], [0, 4, 1]), 12);
  });
  it('grades PSI: 0.0405 → none, ~0.2 → watch, large → retrain', () => {
    expect(compareDrift(hist(['a', 'b'], [50, 50]), hist(['a', 'b'], [60, 40])).verdict).toBe('none');
    expect(compareDrift(hist(['a', 'b'], [50, 50]), hist(['a', 'b'], [72, 28])).verdict).toBe('watch');
    expect(compareDrift(hist(['a', 'b'], [50, 50]), hist(['a', 'b'], [95, 5])).verdict).toBe('retrain');
  });
  it('raw samples: quantile bins from the reference and a KS row', () => {
    const ref = { kind: 'values' as const, values: Array.from({ length: 200 }, (_, i) => i) };
    const shifted = { kind: 'values' as const, values: Array.from({ length: 200 }, (_, i) => i + 100) };
    const c = compareDrift(ref, shifted, 4);
    expect(c.referenceCounts).toEqual([50, 50, 50, 50]);
    expect(c.currentCounts).toEqual([0, 0, 50, 150]);
    const ks = c.metrics.find((m) => m.metric === 'KS');
    expect(ks?.value).toBeCloseTo(0.5, 12);
    expect(ks?.pValue).toBeLessThan(1e-10);
    expect(c.verdict).toBe('retrain');
    expect(formatDriftTable(c)).toMatch(/^KS\s+D=0\.5 p=/m);
  });
  it('refuses to compare a histogram with raw samples', () => {
    expect(() => compareDrift(hist(['a'], [1]), { kind: 'values', values: [1] })).toThrow(/give both files the same shape/);
  });
});
