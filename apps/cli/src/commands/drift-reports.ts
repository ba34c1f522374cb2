import type { Command } from 'commander';
import { DriftClient } from '../drift/drift-client';
import { CliError, EXIT } from '../exit';
import { parseModelRef } from '../registry-client';
import { driftCommand } from './drift';

interface ReportSummary {
  id: string;
  model: string;
  digest: string;
  window: { id: string; start: string; end: string };
  count: number;
  decision: string;
  reasons?: string[];
  metrics: Array<{ feature: string; against: string; metric: string; value: number; watch: number; retrain: number | null; verdict: string; advisory?: boolean }>;
  top_movers: Array<{ feature: string; bucket?: string; score: number; reference_share?: number; current_share?: number }>;
}

const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
const pad = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
};
const num = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
const pct = (v?: number) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

export function formatReport(r: ReportSummary): string {
  const head = [
    `report   ${r.id}`,
    `model    ${r.model}  ${r.digest}`,
    `window   ${r.window.id}  ${r.window.start} → ${r.window.end}  (${r.count} events)`,
    `decision ${r.decision}${r.reasons?.length ? `  — ${r.reasons.join('; ')}` : ''}`,
  ];
  const metrics = pad([
    ['feature', 'against', 'metric', 'value', 'watch', 'retrain', 'verdict'],
    ...r.metrics.map((m) => [m.feature, m.against, m.metric + (m.advisory ? '*' : ''), num(m.value), String(m.watch), m.retrain === null ? '—' : String(m.retrain), m.verdict]),
  ]);
  const movers = r.top_movers.map((m) => `  ${m.feature} ${m.bucket ?? ''}: ${pct(m.reference_share)} → ${pct(m.current_share)}`);
  return [...head, '', metrics, '(* advisory, not part of the decision: JS distance, KS / chi-square p-values; KL and PSI values are bias-corrected)', '', 'top movers:', ...(movers.length ? movers : ['  none'])].join('\n');
}

/** `lynx drift reports|close|show|profile`: the drift worker's windows, reports and reference profiles. */
export function registerDriftReportCommands(program: Command): void {
  const drift = driftCommand(program);
  drift
    .command('reports <model>')
    .description('list the drift reports of a model, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (model: string, opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a whole number >= 1, got "${opts.limit}"`);
      const { reports } = await new DriftClient().request<{ reports: ReportSummary[] }>('GET', `/v1/drift/reports?model=${encodeURIComponent(model)}&limit=${limit}`);
      if (opts.json) return out(JSON.stringify(reports, null, 2));
      if (reports.length === 0) return out(`no drift reports for ${model}`);
      out(pad([['id', 'window end', 'digest', 'events', 'decision'], ...reports.map((r) => [r.id, r.window.end, r.digest.slice(0, 19), String(r.count), r.decision])]));
    });

  drift
    .command('close <model>')
    .description("close the drift worker's open window now and print <model>'s reports (each close counts as one window toward the retrain cooldown)")
    .option('--json', 'print JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const res = await new DriftClient().request<{ window_id: string; model: string; reports: Array<{ id: string; digest: string; count: number; decision: string }> }>(
        'POST',
        `/v1/drift/windows/close/${encodeURIComponent(model)}`,
      );
      if (opts.json) return out(JSON.stringify(res, null, 2));
      if (res.reports.length === 0) return out(`closed window ${res.window_id}: no traffic for ${model} in it, so no report`);
      out(
        [
          `closed window ${res.window_id}`,
          pad([['report', 'digest', 'events', 'decision'], ...res.reports.map((r) => [r.id, r.digest.slice(0, 19), String(r.count), r.decision])]),
          `details: lynx drift show <report>`,
        ].join('\n'),
      );
    });

  drift
    .command('show <id>')
    .description('show one drift report: decision, metrics against reference and previous window, top movers. Exit 1 when it asks to retrain')
    .option('--json', 'print JSON')
    .option('--html', 'print the HTML page (histograms as inline SVG)')
    .action(async (id: string, opts: { json?: boolean; html?: boolean }) => {
      const client = new DriftClient();
      if (opts.html) return out(await client.request<string>('GET', `/v1/drift/reports/${encodeURIComponent(id)}`, undefined, 'text/html'));
      const report = await client.request<ReportSummary>('GET', `/v1/drift/reports/${encodeURIComponent(id)}`);
      out(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
      if (report.decision === 'retrain') process.exitCode = EXIT.failed;
    });

  drift
    .command('profile <modelRef>')
    .description('build the reference profile of <model>@<ref> from the training corpus its lineage names (stored by the drift worker, keyed by digest)')
    .option('--bins <n>', 'quantile bins per scalar feature', '10')
    .option('--json', 'print JSON')
    .action(async (modelRef: string, opts: { bins: string; json?: boolean }) => {
      const { model, ref } = parseModelRef(modelRef);
      const bins = Number(opts.bins);
      if (!Number.isInteger(bins) || bins < 2) throw new CliError(`--bins must be a whole number >= 2, got "${opts.bins}"`);
      const p = await new DriftClient().request<{ digest: string; items: number; data: { name: string; digest: string }; categorical: Record<string, Record<string, number>>; scalars: Record<string, { edges: number[] }> }>(
        'POST',
        '/v1/drift/profiles',
        { model, ref, bins },
      );
      if (opts.json) return out(JSON.stringify(p, null, 2));
      out(
        [
          `profile of ${model}@${ref} (${p.digest})`,
          `corpus   ${p.data.name} ${p.data.digest} (${p.items} items)`,
          ...Object.entries(p.categorical).map(([f, h]) => `${f.padEnd(8)} ${Object.keys(h).length} buckets`),
          ...Object.entries(p.scalars).map(([s, v]) => `${s.padEnd(14)} edges ${v.edges.join(' ')}`),
        ].join('\n'),
      );
    });
}
