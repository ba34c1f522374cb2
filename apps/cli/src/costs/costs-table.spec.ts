import type { ServedVersion } from '@lynx/schema';
import { buildCostRows, formatCostMarkdown, formatCostTable } from './costs-table';
import { toCostVersion } from '../commands/costs';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('lynx costs table', () => {
  const versions = [
    toCostVersion({ digest: d('a'), semver: 'v1.0.0', aliases: ['production'], evaluations: [
      { created_at: '2025-01-01T00:00:00Z', result: { overall: { accuracy: 0.5 } } },
      { created_at: '2025-02-01T00:00:00Z', result: { overall: { accuracy: 0.8 } } },
    ] }),
    toCostVersion({ digest: d('b'), semver: null, aliases: ['lora', 'canary'], metrics: { accuracy: 0.5 }, evaluations: [
      { created_at: '2025-02-01T00:00:00Z', result: { overall: { accuracy: 0.9 } } }, // an evaluation wins over metrics
    ] }),
    toCostVersion({ digest: d('c'), semver: 'v0.9.0', aliases: [] }),
    // Evaluated but never served: accuracy shown, usage 0, no CpQU (no USD per 1k tokens).
    toCostVersion({ digest: d('e'), semver: null, aliases: ['int8'], evaluations: [
      { created_at: '2025-03-01T00:00:00Z', result: { overall: { accuracy: 0.7 } } },
    ] }),
  ];
  // As the registry sends them: served rows carry latest_accuracy too.
  const row = (digest: string, requests: number, tokens: number, per1k: number | null, latest_accuracy: number | null = null): ServedVersion => ({
    digest, semver: null, first_served: '2025-01-01T00:00:00.000Z', last_served: '2025-01-02T00:00:00.000Z',
    requests, errors: 0, tokens, latest_accuracy, cost_per_1k_tokens: per1k,
  });
  const served = [row(d('a'), 10, 4000, 0.02), row(d('b'), 4, 2000, 0.009)];

  it('joins versions with usage and computes USD per 1k and CpQU', () => {
    const rows = buildCostRows(versions, served);
    expect(rows.map((r) => [r.short, r.accuracy, r.requests, r.tokens, r.usd_per_1k_tokens, r.cpqu])).toEqual([
      ['aaaaaaaaaaaa', 0.8, 10, 4000, 0.02, expect.closeTo(0.025, 12)], // 0.02 USD per 1k tokens ÷ 0.8
      ['bbbbbbbbbbbb', 0.9, 4, 2000, 0.009, expect.closeTo(0.01, 12)],
      ['cccccccccccc', null, 0, 0, null, null],
      ['eeeeeeeeeeee', 0.7, 0, 0, null, null],
    ]);
    expect(rows[1].aliases).toEqual(['canary', 'lora']);
  });

  it("takes accuracy from the version's latest evaluation, never from the served view", () => {
    // The served view's accuracy is ignored even when it disagrees; only usage is joined.
    const withAccuracy = [{ ...served[0], latest_accuracy: 0.1 }, row(d('e'), 0, 0, null, 0.2)];
    const rows = buildCostRows(versions, withAccuracy);
    expect(rows.map((r) => r.accuracy)).toEqual([0.8, 0.9, null, 0.7]);
    // Same created_at: the later evaluation in the registry's oldest-first list is the latest.
    const tie = toCostVersion({ digest: d('f'), evaluations: [
      { created_at: '2025-01-01T00:00:00Z', result: { overall: { accuracy: 0.6 } } },
      { created_at: '2025-01-01T00:00:00Z', result: { overall: { accuracy: 0.65 } } },
    ] });
    expect(tie.accuracy).toBe(0.65);
    expect(toCostVersion({ digest: d('g'), metrics: { accuracy: 0.4 } }).accuracy).toBe(0.4);
  });

  it('renders text and Markdown with a row per version', () => {
    const rows = buildCostRows(versions, served);
    const text = formatCostTable(rows).trimEnd().split('\n');
    expect(text).toHaveLength(5);
    expect(text[1]).toMatch(/^aaaaaaaaaaaa\s+v1\.0\.0\s+production\s+80\.0%\s+10\s+4000\s+0\.02000\s+0\.02500$/);
    const md = formatCostMarkdown('grammar-tutor', rows);
    // Deterministic: no timestamp, rows by digest whatever the registry's order.
    expect(formatCostMarkdown('grammar-tutor', [...rows].reverse())).toBe(md);
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(md).toContain('| bbbbbbbbbbbb | — | canary, lora | 90.0% | 4 | 2000 | 0.009000 | 0.01000 |');
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(6);
    expect(md).toContain('| eeeeeeeeeeee | — | int8 | 70.0% | 0 | 0 | — | — |');
  });

  it('puts the cost emitter\'s not-yet-flushed usage beside the flushed, marked provisional', () => {
    const live = {
      model: 'grammar-tutor',
      provisional: true as const,
      as_of: '2025-03-01T00:00:00Z',
      versions: [{ digest: d('a'), first_served: '2025-03-01T00:00:00Z', last_served: '2025-03-01T00:00:01Z', requests: 3, errors: 0, tokens: 300, cost_usd: 0.003, cost_per_1k_tokens: 0.01 }],
    };
    const rows = buildCostRows(versions, served, live);
    expect(rows[0].provisional).toEqual({ requests: 3, tokens: 300, usd_per_1k_tokens: 0.01 });
    expect(rows[1].provisional).toBeUndefined();
    const text = formatCostTable(rows, true).split('\n');
    expect(text[0]).toMatch(/provisional requests\s+provisional USD\/1k$/);
    expect(text[1]).toMatch(/\s3\s+0\.01000$/);
    expect(formatCostMarkdown('grammar-tutor', rows)).not.toContain('provisional');
  });
});
