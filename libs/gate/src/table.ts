import type { GateBucketResult } from '@lynx/schema';
import type { PowerTable } from './paired/power';

const HEADER = ['bucket', 'gates', 'n', 'baseline', 'candidate', 'b', 'c', 'diff', 'lower', 'upper', 'verdict'];
// Columns aligned left: bucket, gates, verdict.
const LEFT = new Set([0, 1, 10]);

const fixed = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? '-' : x.toFixed(digits));
const signed = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`);
const shout = (v: string) => (v === 'fail' || v === 'regression' || v === 'missing' ? v.toUpperCase() : v);

function cells(b: GateBucketResult): string[] {
  const gates = b.gating === undefined ? '-' : b.gating ? 'yes' : 'no';
  const verdict = b.gating === false ? `${b.verdict} (report only)` : shout(b.verdict);
  return [b.bucket, gates, String(b.n), fixed(b.baseline), fixed(b.candidate), b.b === undefined ? '-' : String(b.b), b.c === undefined ? '-' : String(b.c), signed(b.delta), signed(b.lower), signed(b.upper), verdict];
}

function aligned(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (LEFT.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * The gate's table as aligned plain text (terminal, CI log): per bucket whether it gates, the
 * paired counts (b = baseline right and candidate wrong, c = the reverse), candidate − baseline
 * (diff) with its one-sided bounds, and the verdict.
 */
export function formatGateTable(buckets: readonly GateBucketResult[]): string {
  return aligned([HEADER, ...buckets.map(cells)]);
}

/** What `lower` and `upper` mean, for the line under the table. */
export function formatBoundLegend(tolerance: number, alpha: number, failAlphaPerBucket: number): string {
  const pct = (x: number) => `${+(100 * (1 - x)).toPrecision(4)} %`;
  return `lower: one-sided ${pct(alpha)} bound of candidate - baseline, pass if > -${tolerance}; upper: one-sided ${pct(failAlphaPerBucket)} bound, fail if < -${tolerance}\n`;
}

/** The same table in GitHub Markdown (the PR comment). */
export function formatGateMarkdown(buckets: readonly GateBucketResult[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (LEFT.has(i) ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const b of buckets) {
    const c = cells(b);
    if (b.gating !== false && (b.verdict === 'fail' || b.verdict === 'regression' || b.verdict === 'missing')) c[10] = `**${c[10]}**`;
    lines.push(`| ${c.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The power section: per bucket its items, whether it gates, the items an unchanged candidate
 * needs to pass it reliably, the chance it does at this size, and the smallest drop it detects.
 */
export function formatPowerTable(power: PowerTable): string {
  const header = ['bucket', 'gates', 'n', 'needed', 'P(pass | equal)', 'detects drop >='];
  const rows = power.buckets.map((b) => [
    b.name,
    b.gating ? 'yes' : 'no (report only)',
    String(b.n),
    String(b.needed),
    b.passPower.toFixed(4),
    b.detectableDrop === null ? '-' : `${(100 * b.detectableDrop).toFixed(1)} pp`,
  ]);
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  const text = [header, ...rows].map((r) => r.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n');
  return (
    `${text}\n` +
    `power plan: tolerance ${power.tolerance}, pass-side alpha ${power.alpha}, fail-side alpha ${power.failAlpha} over ${power.gatingCount} gating buckets, ` +
    `assumed discordance ${power.discordance}; "needed" lets an unchanged candidate pass all gating buckets together with probability 0.95; ` +
    `"detects" is the true drop failed with power 0.8\n`
  );
}
