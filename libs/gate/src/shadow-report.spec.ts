import { randomUUID } from 'node:crypto';
import { ValidationError, type ShadowPairEvent } from '@lynx/schema';
import type { TutorItem } from '@lynx/tutor';
import { makeJudge } from './judge';
import { percentile } from './percentile';
import { buildShadowReport } from './shadow-report';
import { decideShadow } from './shadow-decision';
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

  it('the headline says inconclusive with judged and needed pairs while too few pairs are judged', () => {
    // Fewer than 100 pairs: discordance assumed 0.5. Connor (1987), python connor(d, psi) =
    // (norm.ppf(.975)*sqrt(psi) + norm.ppf(.8)*sqrt(psi - d**2))**2 / d**2 at psi .5, d .25 → 60.378 → 61
    const d = decideShadow({ pairs: 4, primary_only: 0, shadow_only: 1 });
    expect(d).toMatchObject({ verdict: 'inconclusive', judged: 4, needed: 61, difference: 0.25, discordance: 0.5, discordance_assumed: true });
    expect(d.headline).toBe('inconclusive: 4 judged pairs of 61 needed; shadow +25.0 pp; discordant pairs: 1 only shadow right, 0 only primary right');
    // No pair yet: sized for the MDE at psi .5, d .05 → 1567.42 → 1568
    const none = decideShadow({ pairs: 0, primary_only: 0, shadow_only: 0 });
    expect(none).toMatchObject({ verdict: 'inconclusive', needed: 1568, difference: null, p_value: null });
    expect(none.headline).toBe('inconclusive: 0 judged pairs of 1568 needed (no request judged on both sides yet)');
    // From 100 pairs on, psi is the upper Wilson bound of the discordant share:
    // statsmodels proportion_confint(48, 300, method='wilson')[1] → 0.2057436748; the difference
    // (+2.7 pp) is below the MDE, so sized for 5 pp: connor(.05, 0.2057436748) → 643.58 → 644.
    const some = decideShadow({ pairs: 300, primary_only: 20, shadow_only: 28 });
    expect(some).toMatchObject({ verdict: 'inconclusive', needed: 644, discordance_observed: 0.16, discordance_assumed: false });
    expect(some.discordance).toBeCloseTo(0.20574367484859174, 10);
    // No discordant pair in 100: proportion_confint(0, 100, method='wilson')[1] → 0.037 is below
    // the MDE, so psi is raised to it: connor(.05, .05) → 154.60 → 155.
    expect(decideShadow({ pairs: 100, primary_only: 0, shadow_only: 0 })).toMatchObject({ verdict: 'inconclusive', needed: 155, p_value: 1 });
  });

  it('decides better, worse or no difference by McNemar once enough pairs are judged', () => {
    // 600 pairs, 36 only primary right, 60 only shadow right (accuracies e.g. .80 vs .84):
    // psi = proportion_confint(96, 600, method='wilson')[1] → 0.19148; connor(.05, 0.19148) → 598.81 → 599
    // needed; mid-p 2*binom.cdf(36, 96, .5) - binom.pmf(36, 96, .5) → 0.014389633. The unpaired rule on
    // the same answers, statsmodels proportions_ztest([504, 480], [600, 600]) → p 0.0713, could not
    // tell them apart. Connor's size checked independently: the exact power of the mid-p test at
    // connor(.05, .16) = 500 pairs (p10 .055, p01 .105), enumerated over the trinomial in scipy, is 0.80365.
    const better = decideShadow({ pairs: 600, primary_only: 36, shadow_only: 60 });
    expect(better).toMatchObject({ verdict: 'shadow_better', needed: 599, difference: 0.04 });
    expect(better.p_value).toBeCloseTo(0.014389633007095674, 10);
    expect(better.headline).toBe('shadow more accurate: shadow +4.0 pp; discordant pairs: 60 only shadow right, 36 only primary right; McNemar mid-p = 0.0144, 600 judged pairs');
    expect(decideShadow({ pairs: 600, primary_only: 60, shadow_only: 36 }).verdict).toBe('shadow_worse');
    // 600 pairs, 40 vs 44: psi = proportion_confint(84, 600, method='wilson')[1] → 0.17006;
    // connor(.05, 0.17006) → 531.55 → 532; mid-p(40, 44) → 0.66465
    const same = decideShadow({ pairs: 600, primary_only: 40, shadow_only: 44 });
    expect(same).toMatchObject({ verdict: 'no_difference', needed: 532 });
    expect(same.p_value).toBeCloseTo(0.6646454904132144, 10);
    expect(same.headline).toMatch(/^no difference of 5\.0 pp or more: /);
    // A large difference needs fewer pairs: 120 pairs, 2 vs 20: psi = proportion_confint(22, 120,
    // method='wilson')[1] → 0.26201; connor(.15, 0.26201) → 89.00 → 90 (ceil of 89.004); mid-p 6.604e-5
    const large = decideShadow({ pairs: 120, primary_only: 2, shadow_only: 20 });
    expect(large).toMatchObject({ verdict: 'shadow_better', needed: 90 });
    expect(large.p_value).toBeCloseTo(6.60419464111327e-5, 12);
  });

  it('refuses counts that cannot come from pairs', () => {
    expect(() => decideShadow({ pairs: 10, primary_only: 6, shadow_only: 5 })).toThrow('decideShadow: discordant pairs (11) exceed the judged pairs (10)');
    expect(() => decideShadow({ pairs: 10, primary_only: -1, shadow_only: 0 })).toThrow(ValidationError);
    expect(() => decideShadow({ pairs: 10, primary_only: 0, shadow_only: 0 }, { mde: 0 })).toThrow('mde must be in (0, 1)');
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
  });
});
