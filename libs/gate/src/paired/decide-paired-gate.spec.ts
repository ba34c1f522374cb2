import { tangoScoreBound } from '@lynx/math';
import { DuplicateEvalItemError, IncompleteEvalOutcomesError, UnknownEvalItemError, ValidationError } from '@lynx/schema';
import { GATE_FAIL_ALPHA, GATE_PASS_ALPHA, type ItemOutcome, decidePairedGate, itemOutcomesDigest, parseItemOutcomes, serializeItemOutcomes } from '../index';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

/** Baseline right on the first `right` items; the candidate flips `b` right→wrong and `c` wrong→right. */
function bucket(prefix: string, n: number, right: number, b: number, c: number): { base: ItemOutcome[]; cand: ItemOutcome[]; ids: string[] } {
  const all = ids(prefix, n);
  const base = all.map((id, i) => ({ id, correct: i < right }));
  const cand = all.map((id, i) => ({ id, correct: i < right ? i >= b : i < right + c }));
  return { base, cand, ids: all };
}

describe('decidePairedGate', () => {
  const big = bucket('big', 2000, 1700, 20, 20);
  const drop = bucket('drop', 2000, 1700, 150, 10); // −7 pp
  const small = bucket('small', 40, 30, 1, 1);

  it('an equal candidate on powered buckets passes; base vs itself passes', () => {
    const input = { baseline: big.base, candidate: big.cand, buckets: [{ name: 'big', itemIds: big.ids, gating: true }], tolerance: 0.03, alpha: GATE_PASS_ALPHA };
    const d = decidePairedGate(input);
    expect(d.verdict).toBe('pass');
    expect(d.buckets[0]).toMatchObject({ name: 'big', n: 2000, b: 20, c: 20, diff: 0, baselineCorrect: 1700, candidateCorrect: 1700, verdict: 'pass' });
    expect(d.buckets[0].lower).toBeCloseTo(tangoScoreBound(20, 20, 2000, GATE_PASS_ALPHA, 'lower'), 12);
    expect(d.buckets[0].upper).toBeCloseTo(tangoScoreBound(20, 20, 2000, GATE_FAIL_ALPHA, 'upper'), 12);
    expect(decidePairedGate({ ...input, candidate: big.base }).verdict).toBe('pass');
  });

  it('a clear drop in one gating bucket fails and names it; the bound shows it', () => {
    const d = decidePairedGate({
      baseline: [...big.base, ...drop.base],
      candidate: [...big.cand, ...drop.cand],
      buckets: [
        { name: 'drop', itemIds: drop.ids, gating: true },
        { name: 'big', itemIds: big.ids, gating: true },
      ],
      tolerance: 0.03,
      alpha: GATE_PASS_ALPHA,
    });
    expect(d.verdict).toBe('fail');
    expect(d.failing).toEqual(['drop']);
    expect(d.buckets.map((b) => b.name)).toEqual(['big', 'drop']);
    const row = d.buckets[1];
    expect(row.diff).toBeCloseTo(-0.07, 12);
    expect(row.upper).toBeLessThan(-0.03);
    expect(d.failAlphaPerBucket).toBeCloseTo(GATE_FAIL_ALPHA / 2, 15);
  });

  it('a bucket too small to tell is inconclusive and keeps the candidate out; report-only buckets decide nothing', () => {
    const base = [...big.base, ...small.base, ...drop.base];
    const cand = [...big.cand, ...small.cand, ...drop.cand];
    const specs = (smallGates: boolean) => [
      { name: 'big', itemIds: big.ids, gating: true },
      { name: 'small', itemIds: small.ids, gating: smallGates },
      { name: 'drop', itemIds: drop.ids, gating: false },
    ];
    const gated = decidePairedGate({ baseline: base, candidate: cand, buckets: specs(true), tolerance: 0.03, alpha: GATE_PASS_ALPHA });
    expect(gated.verdict).toBe('inconclusive');
    expect(gated.inconclusive).toEqual(['small']);
    const reportOnly = decidePairedGate({ baseline: base, candidate: cand, buckets: specs(false), tolerance: 0.03, alpha: GATE_PASS_ALPHA });
    expect(reportOnly.verdict).toBe('pass');
    expect(reportOnly.buckets.find((b) => b.name === 'drop')).toMatchObject({ gating: false, verdict: 'fail' });
    expect(reportOnly.failing).toEqual([]);
  });

  it('is deterministic and ignores input order', () => {
    const input = { baseline: big.base, candidate: big.cand, buckets: [{ name: 'big', itemIds: big.ids, gating: true }], tolerance: 0.03, alpha: GATE_PASS_ALPHA };
    const shuffled = { ...input, baseline: [...big.base].reverse(), candidate: [...big.cand].reverse(), buckets: [{ name: 'big', itemIds: [...big.ids].reverse(), gating: true }] };
    expect(decidePairedGate(shuffled)).toEqual(decidePairedGate(input));
  });

  it('refuses duplicate, unknown and missing items with named errors', () => {
    const spec = [{ name: 'small', itemIds: small.ids, gating: true }];
    const ok = { baseline: small.base, candidate: small.cand, buckets: spec, tolerance: 0.03, alpha: GATE_PASS_ALPHA };
    expect(() => decidePairedGate({ ...ok, candidate: [...small.cand, small.cand[0]] })).toThrow(DuplicateEvalItemError);
    expect(() => decidePairedGate({ ...ok, baseline: [...small.base, small.base[3]] })).toThrow(DuplicateEvalItemError);
    expect(() => decidePairedGate({ ...ok, buckets: [{ ...spec[0], itemIds: [...small.ids, small.ids[0]] }] })).toThrow(DuplicateEvalItemError);
    expect(() => decidePairedGate({ ...ok, candidate: [...small.cand, { id: 'other-1', correct: true }] })).toThrow(UnknownEvalItemError);
    expect(() => decidePairedGate({ ...ok, buckets: [{ ...spec[0], itemIds: [...small.ids, 'other-1'] }] })).toThrow(UnknownEvalItemError);
    expect(() => decidePairedGate({ ...ok, candidate: small.cand.slice(1) })).toThrow(IncompleteEvalOutcomesError);
    const err = (() => {
      try {
        decidePairedGate({ ...ok, candidate: small.cand.slice(2) });
      } catch (e) {
        return e as IncompleteEvalOutcomesError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(IncompleteEvalOutcomesError);
    expect(err?.code).toBe('incomplete_eval_outcomes');
    expect(err?.status).toBe(409);
    expect(err?.message).toContain('lacks outcomes for 2 of the baseline');
  });

  it('refuses a gate that checks nothing and bad parameters', () => {
    const ok = { baseline: small.base, candidate: small.cand, buckets: [{ name: 'small', itemIds: small.ids, gating: false }], tolerance: 0.03, alpha: GATE_PASS_ALPHA };
    expect(() => decidePairedGate(ok)).toThrow('no bucket gates');
    const gating = { ...ok, buckets: [{ name: 'small', itemIds: small.ids, gating: true }] };
    expect(() => decidePairedGate({ ...gating, tolerance: 0 })).toThrow(ValidationError);
    expect(() => decidePairedGate({ ...gating, alpha: 0.5 })).toThrow('alpha must be in (0, 0.5)');
    expect(() => decidePairedGate({ ...gating, failAlpha: -1 })).toThrow('failAlpha');
    expect(() => decidePairedGate({ ...gating, buckets: [{ name: 'e', itemIds: [], gating: true }] })).toThrow('bucket e has no items');
    expect(() => decidePairedGate({ ...gating, candidate: [{ id: 'x' } as ItemOutcome] })).toThrow(ValidationError);
  });
});

describe('item outcomes (de)serialisation', () => {
  it('round-trips sorted JSONL with a stable digest, and refuses bad lines', () => {
    const outcomes = [{ id: 'b', correct: false }, { id: 'a', correct: true }];
    const text = serializeItemOutcomes(outcomes);
    expect(text).toBe('{"id":"a","correct":true}\n{"id":"b","correct":false}\n');
    expect(parseItemOutcomes(text)).toEqual([{ id: 'a', correct: true }, { id: 'b', correct: false }]);
    expect(itemOutcomesDigest(outcomes)).toBe(itemOutcomesDigest([...outcomes].reverse()));
    expect(itemOutcomesDigest(outcomes)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(() => parseItemOutcomes('{"id":"a","correct":true}\n{"id":"a","correct":false}\n')).toThrow(DuplicateEvalItemError);
    expect(() => parseItemOutcomes('{"id":"a"}\n')).toThrow('outcomes line 1');
    expect(() => serializeItemOutcomes([...outcomes, outcomes[0]])).toThrow(DuplicateEvalItemError);
  });
});
