import { randomUUID } from 'node:crypto';
import { ValidationError, type ShadowPairEvent } from '@lynx/schema';
import type { TutorItem } from '@lynx/tutor';
import { makeJudge } from './judge';
import { percentile } from './percentile';
import { buildShadowReport } from './shadow-report';
import { decideShadow, type JudgedPair } from './shadow-decision';
import { renderShadowHtml, renderShadowMarkdown } from './shadow-render';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const item = (input: string, target: string, tense: string): TutorItem =>
  ({ id: input, input, target, verb: { lemma: 'go', tense, person: '3sg', index: 1 }, error: 'VERB:FORM', buckets: [`tense.${tense}`] }) as unknown as TutorItem;
const items = [item('He goed home.', 'He went home.', 'past_simple'), item('She have gone.', 'She has gone.', 'present_perfect')];
const pair = (input: string, p: string, s: string, i: number, shadowStatus: 'ok' | 'error' = 'ok'): ShadowPairEvent => ({
  event_id: randomUUID(),
  request_id: `r${i}`,
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  model: 'grammar-tutor',
  input,
  primary: { digest: D('a'), arm: 'primary', output: p, latency_ms: 10 + i, status: 'ok', usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } },
  shadow: { digest: D('b'), arm: 'shadow', output: s, latency_ms: 20 + i, status: shadowStatus, usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } },
});

describe('shadow report', () => {
  const pairs = [
    pair('He goed home.', 'He went home.', 'He went home.', 1),
    pair('He goed home.', 'He went home.', 'He goed home.', 2),
    pair('She have gone.', 'She have gone.', 'She has gone.', 3),
    pair('Unknown input.', 'x', 'y', 4),
    pair('He goed home.', 'He went home.', '', 5, 'error'),
  ];
  const report = buildShadowReport('grammar-tutor', pairs, makeJudge(items));

  it('counts agreement over pairs where both answered, and judges each side per bucket', () => {
    expect(report).toMatchObject({ pairs: 5, compared: 4, agreed: 1, agreement_rate: 0.25, disagreements: 3 });
    expect(report.primary.buckets['tense.past_simple']).toMatchObject({ n: 3, passed: 3, accuracy: 1, ci_upper: 1 });
    expect(report.shadow.buckets['tense.past_simple']).toMatchObject({ n: 3, passed: 1, accuracy: 1 / 3 });
    // python: statsmodels proportion_confint(1, 3, method='wilson') → (0.06149194472039626, 0.7923403991979523)
    expect(report.shadow.buckets['tense.past_simple'].ci_lower).toBeCloseTo(0.0614919447, 8);
    expect(report.shadow.buckets['tense.past_simple'].ci_upper).toBeCloseTo(0.7923403992, 8);
    expect(report.shadow.buckets['tense.present_perfect']).toMatchObject({ n: 1, passed: 1, accuracy: 1 });
    // python: proportion_confint(1, 4, method='wilson') → (0.0455872608097006, 0.6993581574175982)
    expect(report.agreement_ci?.lower).toBeCloseTo(0.0455872608, 8);
    expect(report.agreement_ci?.upper).toBeCloseTo(0.6993581574, 8);
    expect(report.shadow.errors).toBe(1);
    expect(report.primary.tokens.total).toBe(30);
    expect(report.primary.latency_p50_ms).toBe(13);
    expect(report.examples[0].primary_ok).not.toBeNull();
    expect(report.examples.map((e) => e.request_id)).toContain('r4');
  });

  it('renders Markdown and a self-contained HTML page with SVG charts', () => {
    const md = renderShadowMarkdown(report);
    expect(md).toContain('**Agreement: 25.0 % [4.6, 69.9]** (1/4)');
    // python: proportion_confint(3, 3, method='wilson') → (0.43850, 1.0)
    expect(md).toContain('| tense.past_simple | 3 | 100.0 % [43.9, 100.0] | 33.3 % [6.1, 79.2] | -66.7 pp |');
    expect(md.split('\n')[2]).toBe(`**${report.decision.headline}**`);
    expect(md).toContain('4 judged pairs (both sides judged): 1 only shadow right, 2 only primary right.');
    expect(report.decision.verdict).toBe('inconclusive');
    const html = renderShadowHtml(report);
    expect(html).toContain('<svg');
    expect(html).toContain('<p>4 judged pairs (both sides judged): 1 only shadow right, 2 only primary right.</p>');
    expect((html.match(/<rect class="shadow"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(renderShadowHtml(buildShadowReport('m', [pair('<b>', '<i>', '<u>', 1)]))).toContain('&lt;b&gt;');
  });

  it('counts the judged pairs and their discordant pairs for the paired test', () => {
    // r1 both right, r2 and r5 (shadow errored) only primary right, r3 only shadow right, r4 not judged.
    expect(report).toMatchObject({ judged_pairs: 4, primary_only_right: 2, shadow_only_right: 1 });
    expect(report.decision).toMatchObject({ judged: 4, primary_only: 2, shadow_only: 1, difference: -0.25, test: 'mcnemar_mid_p' });
    // Per-side counts stay as they were: each side's judged answers.
    expect(report.primary).toMatchObject({ graded: 4, passed: 3 });
    expect(report.shadow).toMatchObject({ graded: 4, passed: 2 });
  });

  // Judged pairs in order: `n10` only primary right, `n01` only shadow right, the rest both right.
  const run = (n10: number, n01: number, n: number): JudgedPair[] => [
    ...Array.from({ length: n10 }, () => ({ primary_ok: true, shadow_ok: false })),
    ...Array.from({ length: n01 }, () => ({ primary_ok: false, shadow_ok: true })),
    ...Array.from({ length: n - n10 - n01 }, () => ({ primary_ok: true, shadow_ok: true })),
  ];
  // A pilot of 100 pairs with 16 discordant: psi = proportion_confint(16, 100, method='wilson')[1]
  // → 0.2442026939; Connor (1987), python connor(d, psi) = (norm.ppf(.975)*sqrt(psi) +
  // norm.ppf(.8)*sqrt(psi - d**2))**2 / d**2 at d .05 → 764.32 → M = 765.
  const pilot = run(8, 8, 100);

  it('says inconclusive with judged and needed pairs until M pairs are judged, and shows no p-value before', () => {
    // Before the pilot: discordance assumed 0.5, connor(.05, .5) → 1567.42 → 1568.
    const none = decideShadow([]);
    expect(none).toMatchObject({ verdict: 'inconclusive', needed: 1568, difference: null, p_value: null, discordance: 0.5, discordance_assumed: true });
    expect(none.headline).toBe('inconclusive: 0 judged pairs of 1568 needed (no request judged on both sides yet)');
    const four = decideShadow(run(0, 1, 4));
    expect(four).toMatchObject({ verdict: 'inconclusive', judged: 4, needed: 1568, difference: 0.25, p_value: null });
    expect(four.headline).toBe('inconclusive: 4 judged pairs of 1568 needed; so far shadow +25.0 pp; discordant pairs: 1 only shadow right, 0 only primary right');
    const after = decideShadow([...pilot, ...run(0, 0, 664)]);
    expect(after).toMatchObject({ verdict: 'inconclusive', judged: 764, needed: 765, p_value: null, discordance_assumed: false });
    expect(after.discordance).toBeCloseTo(0.24420269389270247, 10);
    // No discordant pair in the pilot: proportion_confint(0, 100, method='wilson')[1] → 0.037 is
    // below the MDE, so psi is raised to it: connor(.05, .05) → 154.60 → 155.
    expect(decideShadow(run(0, 0, 100)).needed).toBe(155);
  });

  it('tests exactly the first M judged pairs by McNemar, so pairs judged later never change the verdict', () => {
    // First 765 pairs: 20 only primary right, 42 only shadow right. Mid-p, scipy:
    // 2*binom.cdf(20, 62, .5) - binom.pmf(20, 62, .5) → 0.005152397.
    const first = [...pilot, ...run(12, 34, 665)];
    const better = decideShadow(first);
    expect(better).toMatchObject({ verdict: 'shadow_better', judged: 765, needed: 765, primary_only: 20, shadow_only: 42 });
    expect(better.p_value).toBeCloseTo(0.005152397042092055, 10);
    expect(better.headline).toBe('shadow more accurate: shadow +2.9 pp; discordant pairs: 42 only shadow right, 20 only primary right; McNemar mid-p = 0.00515 on the first 765 judged pairs');
    // 200 more pairs where only the primary is right would turn the verdict if they counted.
    const later = decideShadow([...first, ...run(200, 0, 200)]);
    expect(later).toMatchObject({ verdict: 'shadow_better', judged: 965, needed: 765, primary_only: 20, shadow_only: 42, p_value: better.p_value });
    const flip = (ps: JudgedPair[]) => ps.map((p) => ({ primary_ok: p.shadow_ok, shadow_ok: p.primary_ok }));
    expect(decideShadow(flip(first)).verdict).toBe('shadow_worse');
    // 30 vs 36: mid-p 2*binom.cdf(30, 66, .5) - binom.pmf(30, 66, .5) → 0.46381762.
    const same = decideShadow([...pilot, ...run(22, 28, 665)]);
    expect(same).toMatchObject({ verdict: 'no_difference' });
    expect(same.p_value).toBeCloseTo(0.4638176178968697, 10);
    expect(same.headline).toMatch(/^no difference of 5\.0 pp or more: /);
  });

  it('does not shorten M for a large observed difference (no data-dependent early look)', () => {
    // 30 of the pilot's pairs only shadow right (+30 pp): psi = proportion_confint(30, 100,
    // method='wilson')[1] → 0.39585; connor(.05, 0.39585) → 1240.43 → 1241, sized for the MDE.
    const d = decideShadow([...run(0, 30, 100), ...run(0, 60, 400)]);
    expect(d).toMatchObject({ verdict: 'inconclusive', judged: 500, needed: 1241, p_value: null });
  });

  it('refuses an MDE outside (0, 1)', () => {
    expect(() => decideShadow([], { mde: 0 })).toThrow('mde must be in (0, 1)');
    expect(() => decideShadow([], { mde: 1 })).toThrow(ValidationError);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
  });
});
