import type { EvalResult } from '@lynx/schema';
import { buildBaseline, baselineDigest, baselineFileDigest, parseBaseline, serializeBaseline } from './baseline';
import { compareToBaseline, failingBuckets } from './compare';
import { formatGateMarkdown, formatGateTable } from './table';
import { buildBootstrapVerdict, buildGateVerdict } from './verdict';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const result = (buckets: Record<string, [number, number]>, digest = D('a')): EvalResult => {
  const out: EvalResult['buckets'] = {};
  let n = 0;
  let passed = 0;
  for (const [k, [p, m]] of Object.entries(buckets)) {
    out[k] = { accuracy: Math.round((p / m) * 1e6) / 1e6, n: m, passed: p };
    n += m;
    passed += p;
  }
  return { model_digest: digest, eval_set_digest: D('e'), overall: { accuracy: passed / n, n, passed }, buckets: out, created_at: '2025-01-01T00:00:00.000Z' };
};

describe('compareToBaseline', () => {
  const baseline = buildBaseline(result({ 'tense.past_simple': [90, 100], 'tense.past_participle': [80, 100], 'person.3sg': [50, 100] }), 0.02);

  it('passes a bucket at exactly baseline − tolerance and fails one just below, with CI and p-value', () => {
    const c = compareToBaseline(baseline, result({ 'tense.past_simple': [88, 100], 'tense.past_participle': [77, 100], 'person.3sg': [60, 100] }, D('b')));
    const by = Object.fromEntries(c.buckets.map((b) => [b.bucket, b]));
    expect(by['tense.past_simple']).toMatchObject({ verdict: 'pass', baseline: 0.9, candidate: 0.88, delta: -0.02, n: 100 });
    expect(by['tense.past_participle']).toMatchObject({ verdict: 'regression', delta: -0.03 });
    expect(by['person.3sg'].verdict).toBe('pass');
    // scipy: proportions_ztest([60, 50], [100, 100]) → p = 0.1552 (R prop.test(c(60, 50), c(100, 100), correct = FALSE))
    expect(by['person.3sg'].p_value).toBeCloseTo(0.15522, 4);
    // Wilson 95 % for 88/100 (closed form, z = 1.959964): (0.80188, 0.92999)
    expect(by['tense.past_simple'].ci_lower).toBeCloseTo(0.80188, 4);
    expect(by['tense.past_simple'].ci_upper).toBeCloseTo(0.92999, 4);
    expect(c.passed).toBe(false);
    expect(failingBuckets(c).map((b) => b.bucket)).toEqual(['tense.past_participle']);
  });

  it('a missing bucket fails, a new one does not', () => {
    const c = compareToBaseline(baseline, result({ 'tense.past_simple': [95, 100], 'person.3sg': [55, 100], 'error.NEW': [1, 2] }));
    expect(c.buckets.find((b) => b.bucket === 'tense.past_participle')?.verdict).toBe('missing');
    expect(c.buckets.find((b) => b.bucket === 'error.NEW')?.verdict).toBe('new');
    expect(c.passed).toBe(false);
    const ok = compareToBaseline(baseline, result({ 'tense.past_simple': [95, 100], 'tense.past_participle': [80, 100], 'person.3sg': [55, 100], 'error.NEW': [0, 2] }));
    expect(ok.passed).toBe(true);
  });

  it('a wider tolerance lets the same drop pass', () => {
    const cand = result({ 'tense.past_simple': [90, 100], 'tense.past_participle': [77, 100], 'person.3sg': [50, 100] });
    expect(compareToBaseline(baseline, cand, 0.02).passed).toBe(false);
    expect(compareToBaseline(baseline, cand, 0.05).passed).toBe(true);
  });

  it('prints a table naming the failing bucket, in text and Markdown', () => {
    const c = compareToBaseline(baseline, result({ 'tense.past_simple': [90, 100], 'tense.past_participle': [40, 100], 'person.3sg': [50, 100] }));
    const text = formatGateTable(c.buckets);
    expect(text.split('\n')[0]).toMatch(/^bucket\s+baseline\s+candidate\s+delta\s+n\s+wilson 95%\s+p-value\s+verdict$/);
    expect(text).toMatch(/tense\.past_participle\s+0\.8000\s+0\.4000\s+-0\.4000\s+100\s+\[0\.309, 0\.498\]\s+\S+\s+REGRESSION/);
    expect(formatGateMarkdown(c.buckets)).toContain('| tense.past_participle | 0.8000 | 0.4000 | -0.4000 | 100 |');
  });
});

describe('baseline file', () => {
  it('baseline_digest is the canonical digest of the content; previous digest kept on update; hand edits are caught', () => {
    const first = buildBaseline(result({ a: [1, 2] }), 0.02);
    expect(first.previous_baseline_digest).toBeNull();
    expect(first.baseline_digest).toBe(baselineDigest(first));
    const text = serializeBaseline(first);
    expect(parseBaseline(text)).toEqual(first);
    const second = buildBaseline(result({ a: [2, 2] }), 0.02, first);
    expect(second.previous_baseline_digest).toBe(first.baseline_digest);
    expect(second.baseline_digest).not.toBe(first.baseline_digest);
    const edited = text.replace('"accuracy": 0.5', '"accuracy": 0.9');
    expect(() => parseBaseline(edited)).toThrow(/edited by hand/);
    expect(baselineFileDigest(text)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(baselineFileDigest(text)).not.toBe(baselineFileDigest(`${text} `));
  });
});

describe('verdicts', () => {
  it('a gate verdict carries the comparison; a bootstrap verdict the candidate’s own numbers', () => {
    const baseline = buildBaseline(result({ a: [8, 10] }), 0.02);
    const cand = result({ a: [5, 10] }, D('c'));
    const v = buildGateVerdict({ model: 'grammar-tutor', candidate: cand, comparison: compareToBaseline(baseline, cand), baselineFileDigest: D('f') });
    expect(v).toMatchObject({ kind: 'gate', passed: false, candidate_digest: D('c'), baseline_file_digest: D('f'), eval_set_digest: D('e') });
    const b = buildBootstrapVerdict('grammar-tutor', cand, 0.02);
    expect(b).toMatchObject({ kind: 'bootstrap', passed: true, baseline_file_digest: null });
    expect(b.buckets).toEqual([expect.objectContaining({ bucket: 'a', candidate: 0.5, baseline: null, verdict: 'new' })]);
  });
});
