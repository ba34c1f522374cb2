import { buildCostRows, formatCostMarkdown, formatCostTable } from './costs-table';
import { toCostVersion } from '../commands/costs';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('lynx costs table', () => {
  const versions = [
    toCostVersion({ digest: d('a'), semver: 'v1.0.0', aliases: ['production'], evaluations: [
      { created_at: '2025-01-01T00:00:00Z', result: { overall: { accuracy: 0.5 } } },
      { created_at: '2025-02-01T00:00:00Z', result: { overall: { accuracy: 0.8 } } },
    ] }),
    toCostVersion({ digest: d('b'), semver: null, aliases: ['lora', 'canary'], metrics: { accuracy: 0.5 } }), // served's eval wins
    toCostVersion({ digest: d('c'), semver: 'v0.9.0', aliases: [] }),
  ];
  const served = [
    { digest: d('a'), requests: 10, prompt_tokens: 3000, completion_tokens: 1000, cost_usd: 0.08 },
    { digest: d('b'), requests: 4, tokens: 2000, cost_per_1k_tokens: 0.009, latest_accuracy: 0.9 },
  ];

  it('joins versions with usage and computes USD per 1k and CpQU', () => {
    const rows = buildCostRows(versions, served);
    expect(rows.map((r) => [r.short, r.accuracy, r.requests, r.tokens, r.usd_per_1k_tokens, r.cpqu])).toEqual([
      ['aaaaaaaaaaaa', 0.8, 10, 4000, 0.02, expect.closeTo(0.025, 12)], // 0.08 USD / 4k tokens = 0.02; ÷ 0.8
      ['bbbbbbbbbbbb', 0.9, 4, 2000, 0.009, expect.closeTo(0.01, 12)],
      ['cccccccccccc', null, 0, 0, null, null],
    ]);
    expect(rows[1].aliases).toEqual(['canary', 'lora']);
  });

  it('renders text and Markdown with a row per version', () => {
    const rows = buildCostRows(versions, served);
    const text = formatCostTable(rows).trimEnd().split('\n');
    expect(text).toHaveLength(4);
    expect(text[1]).toMatch(/^aaaaaaaaaaaa\s+v1\.0\.0\s+production\s+80\.0%\s+10\s+4000\s+0\.02000\s+0\.02500$/);
    const md = formatCostMarkdown('grammar-tutor', rows, '2025-03-01T00:00:00Z');
    expect(md).toContain('| bbbbbbbbbbbb | — | canary, lora | 90.0% | 4 | 2000 | 0.009000 | 0.01000 |');
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(5);
  });
});
