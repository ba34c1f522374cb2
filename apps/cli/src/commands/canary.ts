import type { Command } from 'commander';
import { EXIT } from '../exit';
import { ServiceClient } from '../service-client';

// `lynx canary start|status|pause|resume|abort|promote <model>`: the gate's canary analysis
// (LYNX_GATE_URL or LYNX_GATE_PORT, LYNX_TOKEN). Exit codes: 0 ok; 1 the canary was aborted (status shows a failed
// analysis); 2 an error (gate unreachable, refused, no canary).

/** The gate's JSON over ServiceClient: LYNX_GATE_URL or LYNX_GATE_PORT, the shared error wording. */
function gate(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  return new ServiceClient('gate').json(method, path, body);
}

const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v));

function table(head: string[], rows: unknown[][]): string[] {
  const cells = rows.map((r) => r.map(cell));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  return [head, ...cells].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

/** The analysis as text: its state, the last decision and each check with its evidence. */
export function formatCanaryStatus(s: any): string {
  const a = s.analysis;
  const lines = [
    `${s.model}  ${s.active ? 'analysing' : 'not analysing'}${a ? `  phase ${a.phase}  stage ${a.stage + 1}  weight ${a.weight}%  measurements ${a.measurements}` : ''}`,
  ];
  if (s.canary_digest) lines.push(`canary ${s.canary_digest}${s.semver ? `  promotes as ${s.semver}` : ''}`);
  if (a) {
    lines.push(...table(['ARM', 'REQUESTS', 'ERRORS', 'JUDGED', 'PASSED'], [['stable', a.stable.requests, a.stable.errors, a.stable.graded, a.stable.passed], ['canary', a.canary.requests, a.canary.errors, a.canary.graded, a.canary.passed]]));
  }
  const last = s.last;
  if (last) {
    lines.push(`last ${last.at}: ${last.outcome} → ${last.action} (${last.reason})`);
    if (last.checks?.length) {
      lines.push(
        ...table(
          ['CHECK', 'STABLE', 'CANARY', 'RESULT', 'P', 'BOUNDARY', 'HORIZON', 'CANARY N'],
          last.checks.map((c: any) => [c.metric, c.stable, c.canary, c.result, c.p_value, c.boundary, c.information_fraction === undefined ? null : `${Math.round(c.information_fraction * 100)}%`, c.canary_needed ? `${c.canary_n}/${c.canary_needed}` : c.canary_n]),
        ),
      );
    }
  }
  if (s.stopped) lines.push(`stopped ${s.stopped.at}: ${s.stopped.reason}`);
  return lines.join('\n');
}

/** 1 when the analysis aborted the canary, else 0. */
export function canaryStatusExitCode(s: any): number {
  return s.analysis?.phase === 'aborted' || s.last?.action === 'abort' ? EXIT.failed : EXIT.ok;
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

const planLine = (p: any) => (p?.plan ? `plan revision ${p.revision}: ${p.plan.strategy}${p.plan.strategy === 'canary' ? ` weight ${p.plan.weight}% ${p.plan.status ?? 'progressing'}` : p.plan.ref ? ` on ${p.plan.ref}` : ''}` : '');

export function registerCanaryCommands(program: Command): void {
  const canary = program.command('canary').description("The gate's canary analysis of a model's canary plan (LYNX_GATE_URL)");
  const path = (model: string, action = '') => `/v1/gate/canaries/${encodeURIComponent(model)}${action ? `/${action}` : ''}`;
  canary
    .command('start')
    .description('Start (or restart) the analysis of the model\'s canary plan; set the plan first with lynx traffic set --strategy canary')
    .argument('<model>')
    .option('--semver <v>', 'on success, promote the canary through the gate with this semver')
    .option('--interval-ms <n>', 'time between measurements')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, o: { semver?: string; intervalMs?: string; json?: boolean }) => {
      const body = { ...(o.semver ? { semver: o.semver } : {}), ...(o.intervalMs ? { interval_ms: Number(o.intervalMs) } : {}) };
      const r = await gate('POST', path(model), body);
      print(o.json, r, `${model}: analysis ${r.resumed ? 'resumed' : 'started'} for ${r.canary_digest} at ${r.weight}%, every ${r.interval_ms} ms${r.semver ? `, promotes as ${r.semver}` : ''}`);
    });
  canary
    .command('status')
    .description('The analysis: phase, stage, counts, the last decision and each check (exit 1 when it aborted the canary)')
    .argument('<model>')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, o: { json?: boolean }) => {
      const s = await gate('GET', path(model));
      print(o.json, s, formatCanaryStatus(s));
      process.exitCode = canaryStatusExitCode(s);
    });
  for (const [action, description] of [
    ['pause', 'Hold the canary at its weight (plan status paused); the analysis keeps its evidence'],
    ['resume', 'Resume a paused canary where its analysis left off'],
    ['abort', 'Abort now: canary weight 0, the router serves stable only'],
  ] as const) {
    canary
      .command(action)
      .description(description)
      .argument('<model>')
      .option('--json', 'print machine-readable JSON')
      .action(async (model: string, o: { json?: boolean }) => {
        const r = await gate('POST', path(model, action), action === 'resume' ? {} : undefined);
        print(o.json, r, `${model}: ${action === 'resume' ? `analysis resumed at ${r.weight}%` : `${action}ed; ${planLine(r)}`}`);
      });
  }
  canary
    .command('promote')
    .description('Complete the rollout now: with --semver through the gate\'s promote path, then the plan becomes single')
    .argument('<model>')
    .option('--semver <v>', 'promote the canary to production with this semver (the gate evaluates it first)')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, o: { semver?: string; json?: boolean }) => {
      const r = await gate('POST', path(model, 'promote'), o.semver ? { semver: o.semver } : {});
      print(o.json, r, `${model}: promoted; ${planLine(r)}`);
    });
}
