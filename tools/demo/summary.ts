export interface SummaryRow {
  experiment: string;
  id: string;
  passed: boolean;
  seconds: number;
  /** Passed checks / all checks. */
  checks: string;
  manifest: string;
}

/** The closing table: one line per experiment, then the overall verdict. */
export function formatSummary(rows: SummaryRow[], seconds: number): string {
  const table = [['experiment', 'result', 'checks', 'seconds', 'manifest'], ...rows.map((r) => [r.experiment, r.passed ? 'PASS' : 'FAIL', r.checks, r.seconds.toFixed(1), r.manifest])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const failed = rows.filter((r) => !r.passed).length;
  lines.push('', failed ? `demo: ${failed} of ${rows.length} experiments FAILED (${seconds.toFixed(0)} s)` : `demo: all ${rows.length} experiment${rows.length === 1 ? '' : 's'} passed (${seconds.toFixed(0)} s)`);
  return lines.join('\n');
}
