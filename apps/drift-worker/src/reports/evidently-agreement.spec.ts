import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { jensenShannonDistance, ksTwoSample, psi } from '@lynx/math';
import { makeTempDir, runPython } from '@lynx/platform/testing';

// Where the drift worker's metrics and Evidently's data-drift stattests are the same definition,
// they give the same number (to 1e-6), computed here on identical inputs by Evidently itself
// (tools/python/evidently_peer.py calls its psi, jensenshannon and ks stattests):
// - PSI: both Σ (a − e)·ln(a/e) on proportions. They differ only on empty bins: Evidently replaces
//   a zero proportion by 1e-4 (or by the smallest non-zero one / 1e6) on that side alone, Lynx adds
//   EMPTY_BIN_EPSILON to every bin of both sides. So they are compared with no empty bin, and Lynx
//   unsmoothed (ε = 0), which is then exactly the textbook value both implement.
// - Jensen–Shannon distance: Evidently's stattest is scipy's jensenshannon in base e, Lynx reports
//   it in base 2 (bounded by 1); sqrt(ln 2) converts one to the other.
// - KS: both scipy's ks_2samp p-value (method 'auto': exact at these sizes).
// - Bins: on categories both count each value; on numbers Evidently bins reference and current
//   together into Sturges histogram bins, Lynx into the reference profile's quantile bins, so the
//   numeric PSI and JS are compared on Evidently's bins (the proportions it reports).
const SCRIPT = resolve(__dirname, '../../../../tools/python/evidently_peer.py');

/** Deterministic sample: a linear congruential generator (no Math.random, so failures reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function sample(seed: number, n: number, weights: number[], shift: number) {
  const r = lcg(seed);
  const cats = ['go', 'be', 'have', 'see', 'write'];
  const total = weights.reduce((a, b) => a + b, 0);
  const cat: string[] = [];
  const num: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = r() * total;
    let k = 0;
    while (u >= weights[k]) u -= weights[k++];
    cat.push(cats[k]);
    // A sum of uniforms: roughly normal, continuous (no ties), > 20 distinct values.
    num.push(shift + (r() + r() + r() + r()) * 10);
  }
  return { cat, num };
}

const counts = (xs: string[], keys: string[]) => keys.map((k) => xs.filter((x) => x === k).length);

describe('drift metrics agree with Evidently where the definitions coincide', () => {
  const ref = sample(1, 400, [5, 4, 3, 2, 1], 0);
  const cur = sample(2, 500, [3, 3, 3, 3, 3], 2);
  let evidently: {
    categorical: { psi: number; jensenshannon: number };
    numerical: { psi: number; jensenshannon: number; ks_p_value: number; ref_percents: number[]; cur_percents: number[] };
  };

  beforeAll(async () => {
    const tmp = await makeTempDir('lynx-evidently-');
    try {
      const input = join(tmp.dir, 'input.json');
      await writeFile(input, JSON.stringify({ ref, cur }));
      const out = await runPython(`import runpy; runpy.run_path(${JSON.stringify(SCRIPT)}, run_name='__main__')`, ['agree', input]);
      evidently = JSON.parse(out.trim().split('\n').at(-1)!);
    } finally {
      await tmp.cleanup();
    }
  }, 120_000);

  it('PSI on categories: Lynx unsmoothed equals Evidently with no empty bin', () => {
    const keys = [...new Set([...ref.cat, ...cur.cat])].sort();
    expect(Math.abs(psi(counts(ref.cat, keys), counts(cur.cat, keys), 0) - evidently.categorical.psi)).toBeLessThan(1e-6);
    expect(evidently.categorical.psi).toBeGreaterThan(0.01);
  });

  it('Jensen–Shannon distance on categories: Lynx (base 2) · sqrt(ln 2) equals Evidently (base e)', () => {
    const keys = [...new Set([...ref.cat, ...cur.cat])].sort();
    const lynx = jensenShannonDistance(counts(ref.cat, keys), counts(cur.cat, keys));
    expect(Math.abs(lynx * Math.sqrt(Math.LN2) - evidently.categorical.jensenshannon)).toBeLessThan(1e-6);
  });

  it('PSI and Jensen–Shannon on numbers, on the bins Evidently used', () => {
    const { ref_percents: e, cur_percents: a } = evidently.numerical;
    expect(e.every((p) => p > 0) && a.every((p) => p > 0)).toBe(true);
    expect(Math.abs(psi(e, a, 0) - evidently.numerical.psi)).toBeLessThan(1e-6);
    expect(Math.abs(jensenShannonDistance(e, a) * Math.sqrt(Math.LN2) - evidently.numerical.jensenshannon)).toBeLessThan(1e-6);
  });

  it('KS p-value on the raw numbers', () => {
    const lynx = ksTwoSample(ref.num, cur.num);
    expect(lynx.method).toBe('exact');
    expect(Math.abs(lynx.pValue - evidently.numerical.ks_p_value)).toBeLessThan(1e-6);
    expect(evidently.numerical.ks_p_value).toBeLessThan(0.05);
  });

  it('with an empty bin Lynx stays finite by its own rule, where the textbook PSI is infinite', () => {
    // One category the current window lacks (Evidently, instead, patches only that zero bin).
    const e = [50, 30, 20];
    const a = [60, 40, 0];
    expect(Number.isFinite(psi(e, a))).toBe(true);
    expect(psi(e, a, 0)).toBe(Infinity);
  });
});
