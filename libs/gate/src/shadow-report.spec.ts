import { randomUUID } from 'node:crypto';
import type { ShadowPairEvent } from '@lynx/schema';
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
    expect(report.decision.verdict).toBe('inconclusive');
    const html = renderShadowHtml(report);
    expect(html).toContain('<svg');
    expect((html.match(/<rect class="shadow"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(renderShadowHtml(buildShadowReport('m', [pair('<b>', '<i>', '<u>', 1)]))).toContain('&lt;b&gt;');
  });

  it('the headline says inconclusive with judged and needed counts while too few answers are judged', () => {
    // 3 of 4 vs 4 of 4: python (R power.prop.test formula) n(.75, 1.0) → 26.26 → 27 needed
    const d = decideShadow({ graded: 4, passed: 3 }, { graded: 4, passed: 4 });
    expect(d).toMatchObject({ verdict: 'inconclusive', judged: 4, needed: 27, difference: 0.25 });
    expect(d.headline).toBe('inconclusive: 4 judged of 27 needed; accuracy primary 75.0 % vs shadow 100.0 % (+25.0 pp)');
    expect(decideShadow({ graded: 0, passed: 0 }, { graded: 3, passed: 3 }).headline).toBe('inconclusive: 0 judged of 1569 needed (a side has no judged answers yet)');
  });

  it('decides better, worse or no difference once enough answers are judged', () => {
    // python: statsmodels proportions_ztest([360, 300], [400, 400]) → z 5.5829, p 2.3653e-08; n(.75, .9) → 99.5
    const better = decideShadow({ graded: 400, passed: 300 }, { graded: 400, passed: 360 });
    expect(better).toMatchObject({ verdict: 'shadow_better', needed: 100 });
    expect(better.p_value).toBeCloseTo(2.365336e-8, 12);
    expect(decideShadow({ graded: 400, passed: 360 }, { graded: 400, passed: 300 }).verdict).toBe('shadow_worse');
    // python: proportions_ztest([805, 800], [1000, 1000]) → p 0.77884; a difference below the MDE needs n(.8, .85) → 905.4 → 906
    const same = decideShadow({ graded: 1000, passed: 800 }, { graded: 1000, passed: 805 });
    expect(same).toMatchObject({ verdict: 'no_difference', needed: 906 });
    expect(same.p_value).toBeCloseTo(0.7788381, 6);
    expect(decideShadow({ graded: 800, passed: 640 }, { graded: 800, passed: 644 }).verdict).toBe('inconclusive');
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
  });
});
