import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { abHorizon, abLooksFromOutcomes, abOutcomes, buildShadowReport, decideAb, makeJudge, renderShadowHtml, renderShadowMarkdown, type AbHorizon } from '@lynx/gate';
import { SUBJECTS, feedbackEventSchema, inferenceEventSchema, shadowPairEventSchema, type FeedbackEvent, type InferenceEvent } from '@lynx/schema';
import { readItems } from '@lynx/tutor';
import { CliError } from '../exit';
import { gateRegistry } from '../gate/registry';
import { readInferenceEvents } from '../gate/stream-read';
import { formatAb } from './online-format';

const since = (s?: string): Date | undefined => {
  if (!s) return undefined;
  const rel = /^(\d+)([smhd])$/.exec(s);
  const d = rel ? new Date(Date.now() - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd']) : new Date(s);
  if (Number.isNaN(d.getTime())) throw new CliError(`--since must be an ISO time or a duration like 24h, got "${s}"`);
  return d;
};

/**
 * Online decisions from the router's events: `lynx ab <model>` (judged answers per arm from the
 * tutor's grader or feedback against the horizon stored with the plan; group-sequential looks;
 * ship/stop/inconclusive) and
 * `lynx report shadow <model>` (the side-by-side report from the shadow pair events).
 */
export function registerOnlineCommands(program: Command): void {
  program
    .command('ab <model>')
    .description('A/B of the model’s ab plan against the horizon stored when it started: judged/needed per arm, looks, ship/stop/inconclusive')
    .option('--mde <fraction>', 'only for a plan without a stored horizon: a preview sized for this effect, which never ships')
    .option('--since <time>', 'only for a plan without a stored horizon: ISO time or duration (24h, 7d)')
    .option('--eval-set <path>', 'labelled items the grader judges by', 'data/eval/grammar-eval.jsonl')
    .option('--json', 'print JSON')
    .action(async (model: string, opts: { mde?: string; since?: string; evalSet: string; json?: boolean }) => {
      const view = await gateRegistry().traffic(model).catch(() => undefined);
      const plan = view?.plan.strategy === 'ab' ? view.plan : undefined;
      const stored = plan?.horizon?.per_arm ? plan.horizon : undefined;
      let horizon: AbHorizon;
      let from: Date | undefined;
      if (stored) {
        horizon = { ...abHorizon({ ...stored, baseline_rate: stored.baseline_rate ?? undefined }), per_arm: stored.per_arm as number };
        from = stored.started_at ? new Date(stored.started_at) : undefined;
      } else {
        if (!opts.mde) {
          throw new CliError(
            `${model}'s plan has no stored A/B horizon. Start the A/B with one, e.g. \`lynx traffic set ${model} --strategy ab --arm base:REF=50 --arm lora:REF=50 --mde 0.05\`, or preview with --mde (a preview never ships).`,
          );
        }
        horizon = abHorizon({ mde: Number(opts.mde) });
        from = since(opts.since);
      }
      const judge = makeJudge(await readItems(opts.evalSet));
      const parse = <T>(xs: unknown[], schema: { safeParse(x: unknown): { success: boolean; data?: T } }) => xs.map((x) => schema.safeParse(x)).filter((r) => r.success).map((r) => r.data as T);
      const completions = parse<InferenceEvent>(await readInferenceEvents(SUBJECTS.inferenceCompleted, from), inferenceEventSchema);
      const feedback = parse<FeedbackEvent>(await readInferenceEvents(SUBJECTS.inferenceFeedback, from), feedbackEventSchema);
      const outcomes = abOutcomes(model, completions, feedback, judge, from?.toISOString());
      const order = plan ? plan.arms.map((a) => a.name ?? a.ref) : [...outcomes.keys()].sort();
      const arms = plan ? order.slice(0, 2) : order.filter((a) => outcomes.has(a)).slice(0, 2);
      if (arms.length < 2) throw new CliError(`need judged requests in two arms of ${model}'s ab plan; found ${arms.length ? arms.join(', ') : 'none'}`);
      const [c, t] = arms.map((a) => outcomes.get(a) ?? []);
      const counts = (xs: boolean[]) => ({ n: xs.length, passed: xs.filter(Boolean).length });
      let d = decideAb(horizon, abLooksFromOutcomes(horizon, c, t), { control: counts(c), treatment: counts(t), names: [arms[0], arms[1]] });
      if (!stored && d.verdict === 'ship') {
        d = { ...d, verdict: 'inconclusive', reason: `preview only (no stored horizon): ${d.reason}; start the A/B with --mde so its horizon is stored before it can ship` };
      }
      const out = { model, horizon_stored: Boolean(stored), started_at: stored?.started_at ?? null, ...d };
      if (opts.json) return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      process.stdout.write(formatAb(out));
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
      process.stdout.write(`${r.decision.headline}\n`);
      process.stdout.write(`${r.pairs} pairs, agreement ${r.agreement_rate === null ? '-' : (r.agreement_rate * 100).toFixed(1)} %; wrote ${join(opts.out, 'shadow-report.md')} and .html\n`);
    });
}
