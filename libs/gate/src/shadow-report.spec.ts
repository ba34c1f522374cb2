import { randomUUID } from 'node:crypto';
import type { ShadowPairEvent } from '@lynx/schema';
import type { TutorItem } from '@lynx/tutor';
import { makeJudge } from './judge';
import { percentile } from './percentile';
import { buildShadowReport } from './shadow-report';
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
    expect(report.primary.buckets['tense.past_simple']).toEqual({ n: 3, passed: 3, accuracy: 1 });
    expect(report.shadow.buckets['tense.past_simple']).toEqual({ n: 3, passed: 1, accuracy: 1 / 3 });
    expect(report.shadow.buckets['tense.present_perfect']).toEqual({ n: 1, passed: 1, accuracy: 1 });
    expect(report.shadow.errors).toBe(1);
    expect(report.primary.tokens.total).toBe(30);
    expect(report.primary.latency_p50_ms).toBe(13);
    expect(report.examples[0].primary_ok).not.toBeNull();
    expect(report.examples.map((e) => e.request_id)).toContain('r4');
  });

  it('renders Markdown and a self-contained HTML page with SVG charts', () => {
    const md = renderShadowMarkdown(report);
    expect(md).toContain('**Agreement: 25.0 %** (1/4)');
    expect(md).toMatch(/\| tense\.past_simple \| 3 \| 100\.0 % \| 33\.3 % \| -66\.7 pp \|/);
    const html = renderShadowHtml(report);
    expect(html).toContain('<svg');
    expect((html.match(/<rect class="shadow"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(renderShadowHtml(buildShadowReport('m', [pair('<b>', '<i>', '<u>', 1)]))).toContain('&lt;b&gt;');
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
  });
});
