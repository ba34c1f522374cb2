import type { EvalResult } from '@lynx/schema';
import { buildBaseline, baselineDigest, baselineFileDigest, parseBaseline, serializeBaseline } from './baseline';
import { compareToBaseline, failingBuckets } from './compare';
import { formatGateMarkdown, formatGateTable } from './table';
import { buildBootstrapVerdict, buildGateVerdict } from './verdict';
import { itemOutcomesDigest } from './paired/outcomes';

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

/** n items in bucket `name`; the baseline right on the first `right`; the candidate flips `b` right→wrong and `c` wrong→right. */
function paired(name: string, n: number, right: number, b: number, c: number) {
  const ids = Array.from({ length: n }, (_, i) => `${name}-${i}`);
  return {
    base: ids.map((id, i) => ({ id, correct: i < right })),
    cand: ids.map((id, i) => ({ id, correct: i < right ? i >= b : i < right + c })),
    spec: { name, itemIds: ids, gating: true },
  };
}

describe('compareToBaseline (paired)', () => {
  const big = paired('tense.past_simple', 2000, 1900, 10, 12);
  const drop = paired('tense.past_participle', 2000, 1900, 160, 5);
  const small = { ...paired('verb.find', 34, 30, 1, 0), spec: { ...paired('verb.find', 34, 30, 1, 0).spec, gating: false } };
  const inputs = {
    baseline: buildBaseline(result({ 'tense.past_simple': [1900, 2000], 'tense.past_participle': [1900, 2000], 'verb.find': [30, 34] }), 0.02),
    baselineOutcomes: [...big.base, ...drop.base, ...small.base],
    bucketSpecs: [big.spec, drop.spec, small.spec],
  };
  const candidate = (items: Array<{ id: string; correct: boolean }>) => ({ ...result({ x: [1, 1] }, D('b')), items });

  it('fails a gating bucket whose drop is shown to exceed the tolerance, with the paired numbers in each row', () => {
    const c = compareToBaseline(inputs, candidate([...big.cand, ...drop.cand, ...small.cand]));
    expect(c.verdict).toBe('fail');
    expect(c.passed).toBe(false);
    const by = Object.fromEntries(c.buckets.map((b) => [b.bucket, b]));
    expect(by['tense.past_participle']).toMatchObject({ verdict: 'fail', gating: true, b: 160, c: 5, n: 2000, baseline: 0.95, delta: -0.0775 });
    expect(by['tense.past_participle'].upper).toBeLessThan(-0.02);
    expect(by['tense.past_simple']).toMatchObject({ verdict: 'pass', b: 10, c: 12 });
    expect(by['tense.past_simple'].lower).toBeGreaterThan(-0.02);
    expect(by['verb.find']).toMatchObject({ gating: false, verdict: 'inconclusive' });
    expect(failingBuckets(c).map((b) => b.bucket)).toEqual(['tense.past_participle']);
  });

  it('passes when every gating bucket passes; a wider tolerance can turn a fail into a pass', () => {
    const cand = candidate([...big.cand, ...drop.base, ...small.cand]);
    expect(compareToBaseline(inputs, cand).verdict).toBe('pass');
    const dropped = candidate([...big.cand, ...drop.cand, ...small.cand]);
    expect(compareToBaseline(inputs, dropped, 0.2).verdict).toBe('pass');
  });

  it('refuses a candidate result without per-item outcomes, or with items missing', () => {
    expect(() => compareToBaseline(inputs, result({ x: [1, 1] }))).toThrow(/no per-item outcomes/);
    expect(() => compareToBaseline(inputs, candidate(big.cand))).toThrow(/lacks outcomes/);
  });

  it('prints a table with gates, b, c, the bounds and the verdict, in text and Markdown', () => {
    const c = compareToBaseline(inputs, candidate([...big.cand, ...drop.cand, ...small.cand]));
    const text = formatGateTable(c.buckets);
    expect(text.split('\n')[0]).toMatch(/^bucket\s+gates\s+n\s+baseline\s+candidate\s+b\s+c\s+diff\s+lower\s+upper\s+verdict$/);
    expect(text).toMatch(/tense\.past_participle\s+yes\s+2000\s+0\.9500\s+0\.8725\s+160\s+5\s+-0\.0775\s+-\S+\s+-\S+\s+FAIL/);
    expect(text).toMatch(/verb\.find\s+no\s+34 .*inconclusive \(report only\)/);
    expect(formatGateMarkdown(c.buckets)).toContain('| tense.past_participle | yes | 2000 | 0.9500 | 0.8725 | 160 | 5 | -0.0775 |');
    expect(formatGateMarkdown(c.buckets)).toContain('**FAIL**');
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

  it('the paired fields enter the digest and the file, so a changed gating list or outcomes digest is a new baseline', () => {
    const plain = buildBaseline(result({ a: [1, 2] }), 0.02);
    const withOutcomes = buildBaseline(result({ a: [1, 2] }), 0.02, undefined, { outcomes_path: 'o.jsonl', outcomes_digest: D('1'), gating: ['a'], report_only: [], alpha: 0.05, fail_alpha: 0.01, discordance: 0.03 });
    expect(withOutcomes.baseline_digest).not.toBe(plain.baseline_digest);
    const text = serializeBaseline(withOutcomes);
    expect(parseBaseline(text)).toEqual(withOutcomes);
    expect(() => parseBaseline(text.replace('"o.jsonl"', '"p.jsonl"'))).toThrow(/edited by hand/);
    expect(() => parseBaseline(text.replace(`"${D('1')}"`, `"${D('2')}"`))).toThrow(/edited by hand/);
  });
});

describe('verdicts', () => {
  it('a gate verdict carries the paired decision and the outcomes digests; a bootstrap verdict the candidate’s own numbers', () => {
    const p = paired('a', 200, 180, 60, 0);
    const baseline = buildBaseline(result({ a: [180, 200] }), 0.02);
    const cand = { ...result({ a: [120, 200] }, D('c')), items: p.cand };
    const comparison = compareToBaseline({ baseline, baselineOutcomes: p.base, bucketSpecs: [p.spec] }, cand);
    const v = buildGateVerdict({ model: 'grammar-tutor', candidate: cand, comparison, baselineFileDigest: D('f'), baselineDigest: baseline.baseline_digest, baselineOutcomesDigest: D('0') });
    expect(v).toMatchObject({ kind: 'gate', passed: false, decision: 'fail', candidate_digest: D('c'), baseline_file_digest: D('f'), eval_set_digest: D('e'), alpha: 0.05, fail_alpha: 0.01 });
    expect(v).toMatchObject({ baseline_digest: baseline.baseline_digest, baseline_outcomes_digest: D('0'), candidate_outcomes_digest: itemOutcomesDigest(p.cand) });
    const b = buildBootstrapVerdict('grammar-tutor', cand, 0.02);
    expect(b).toMatchObject({ kind: 'bootstrap', passed: true, baseline_file_digest: null });
    expect(b.buckets).toEqual([expect.objectContaining({ bucket: 'a', candidate: 0.6, baseline: null, verdict: 'new' })]);
  });
});
