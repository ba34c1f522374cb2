import type { GateBucketResult } from '@lynx/schema';

const HEADER = ['bucket', 'baseline', 'candidate', 'delta', 'n', 'wilson 95%', 'p-value', 'verdict'];

const fixed = (x: number | null, digits = 4) => (x === null ? '-' : x.toFixed(digits));
const signed = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`);
const pValue = (p: number | null) => (p === null ? '-' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function cells(b: GateBucketResult): string[] {
  const ci = b.ci_lower === null || b.ci_upper === null ? '-' : `[${b.ci_lower.toFixed(3)}, ${b.ci_upper.toFixed(3)}]`;
  const verdict = b.verdict === 'regression' || b.verdict === 'missing' ? b.verdict.toUpperCase() : b.verdict;
  return [b.bucket, fixed(b.baseline), fixed(b.candidate), signed(b.delta), String(b.n), ci, pValue(b.p_value), verdict];
}

/** The gate's table as aligned plain text (terminal, CI log). */
export function formatGateTable(buckets: readonly GateBucketResult[]): string {
  const rows = [HEADER, ...buckets.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 || c === 7 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The same table in GitHub Markdown (the PR comment). */
export function formatGateMarkdown(buckets: readonly GateBucketResult[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i === 0 || i === 7 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const b of buckets) {
    const c = cells(b);
    if (b.verdict === 'regression' || b.verdict === 'missing') c[7] = `**${c[7]}**`;
    lines.push(`| ${c.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
