import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { abAnalysis, buildShadowReport, makeJudge, renderShadowHtml, renderShadowMarkdown } from '@lynx/gate';
import { SUBJECTS, feedbackEventSchema, inferenceEventSchema, shadowPairEventSchema } from '@lynx/schema';
import { readItems } from '@lynx/tutor';
import { CliError } from '../exit';
import { gateRegistry } from '../gate/registry';
import { readInferenceEvents } from '../gate/stream-read';

const since = (s?: string): Date | undefined => {
  if (!s) return undefined;
  const rel = /^(\d+)([smhd])$/.exec(s);
  const d = rel ? new Date(Date.now() - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd']) : new Date(s);
  if (Number.isNaN(d.getTime())) throw new CliError(`--since must be an ISO time or a duration like 24h, got "${s}"`);
  return d;
};

/**
 * Online decisions from the router's events: `lynx ab <model>` (pass rate per arm from feedback
 * or the tutor's grader, z-test, sample size still needed, ship/hold/inconclusive) and
 * `lynx report shadow <model>` (the side-by-side report from the shadow pair events).
 */
export function registerOnlineCommands(program: Command): void {
  program
    .command('ab <model>')
    .description('A/B significance of the model’s ab plan: pass rate per arm, z-test, sample size still needed')
    .option('--mde <fraction>', 'minimum detectable effect (absolute)', '0.02')
    .option('--since <time>', 'ISO time or duration (24h, 7d)')
    .option('--eval-set <path>', 'labelled items the grader judges by', 'data/eval/grammar-eval.jsonl')
    .option('--json', 'print JSON')
    .action(async (model: string, opts: { mde: string; since?: string; evalSet: string; json?: boolean }) => {
      const judge = makeJudge(await readItems(opts.evalSet));
      const from = since(opts.since);
      const tally = new Map<string, { n: number; passed: number }>();
      const armOf = new Map<string, string>();
      const add = (arm: string, ok: boolean) => {
        const t = tally.get(arm) ?? { n: 0, passed: 0 };
        t.n++;
        if (ok) t.passed++;
        tally.set(arm, t);
      };
      const feedbackFor = new Set<string>();
      const feedback = (await readInferenceEvents(SUBJECTS.inferenceFeedback, from)).map((e) => feedbackEventSchema.safeParse(e)).filter((r) => r.success).map((r) => r.data!);
      for (const f of feedback) feedbackFor.add(f.request_id);
      for (const raw of await readInferenceEvents(SUBJECTS.inferenceCompleted, from)) {
        const e = inferenceEventSchema.safeParse(raw);
        if (!e.success || e.data.model !== model || e.data.role !== 'ab') continue;
        armOf.set(e.data.request_id, e.data.arm);
        if (feedbackFor.has(e.data.request_id)) continue; // the learner's verdict wins over the grader's
        const j = judge(e.data.input, e.data.output);
        if (j) add(e.data.arm, e.data.status === 'ok' && j.ok);
      }
      for (const f of feedback) {
        const arm = f.arm ?? armOf.get(f.request_id);
        if (arm && (f.model === undefined || f.model === model)) add(arm, f.accepted);
      }
      const plan = await gateRegistry().traffic(model).catch(() => undefined);
      const order = plan?.plan.strategy === 'ab' ? plan.plan.arms.map((a) => a.name ?? a.ref) : [...tally.keys()].sort();
      const arms = order.filter((a) => tally.has(a));
      if (arms.length < 2) throw new CliError(`need judged requests in two arms of ${model}'s ab plan; found ${arms.length ? arms.join(', ') : 'none'}`);
      const [control, treatment] = arms.map((name) => ({ name, ...(tally.get(name) as { n: number; passed: number }) }));
      const a = abAnalysis(control, treatment, { mde: Number(opts.mde) });
      if (opts.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
      for (const arm of [a.control, a.treatment]) {
        process.stdout.write(`${arm.name.padEnd(24)} n=${String(arm.n).padStart(6)}  pass ${arm.rate?.toFixed(4)}  [${arm.ci_lower?.toFixed(3)}, ${arm.ci_upper?.toFixed(3)}]\n`);
      }
      process.stdout.write(`z=${a.z?.toFixed(3)} p=${a.p_value?.toPrecision(3)} required/arm=${a.required_per_arm} remaining=${a.remaining}\nverdict: ${a.verdict} (${a.reason})\n`);
    });

  const report = program.command('report').description('reports built from the router’s events');
  report
    .command('shadow <model>')
    .description('side-by-side report of a shadow rollout (Markdown and HTML with charts)')
    .option('--since <time>', 'ISO time or duration (24h, 7d)')
    .option('--out <dir>', 'write shadow-report.md and shadow-report.html here', '.')
    .option('--eval-set <path>', 'labelled items the grader judges by', 'data/eval/grammar-eval.jsonl')
    .action(async (model: string, opts: { since?: string; out: string; evalSet: string }) => {
      const judge = makeJudge(await readItems(opts.evalSet));
      const pairs = (await readInferenceEvents(SUBJECTS.inferenceShadow, since(opts.since)))
        .map((e) => shadowPairEventSchema.safeParse(e))
        .filter((r) => r.success && r.data.model === model)
        .map((r) => r.data!);
      if (pairs.length === 0) throw new CliError(`no shadow pair events for ${model}${opts.since ? ` since ${opts.since}` : ''}`);
      const r = buildShadowReport(model, pairs, judge);
      await mkdir(opts.out, { recursive: true });
      await writeFile(join(opts.out, 'shadow-report.md'), renderShadowMarkdown(r));
      await writeFile(join(opts.out, 'shadow-report.html'), renderShadowHtml(r));
      process.stdout.write(`${r.pairs} pairs, agreement ${r.agreement_rate === null ? '-' : (r.agreement_rate * 100).toFixed(1)} %; wrote ${join(opts.out, 'shadow-report.md')} and .html\n`);
    });
}
