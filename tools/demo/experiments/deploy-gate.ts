import * as path from 'node:path';
import { type PowerTable, formatPowerTable } from '@lynx/gate';
import { type DemoContext, MODEL, lynx } from '../context';
import type { Manifest } from '../manifest';
import { ask, production, semverFor, setPlan } from '../steps';
import { waitFor } from '../wait';
import { sha256File } from './files';
import { ensureBaseProduction } from './shadow';

/** Asks the router until it answers from `digest`; returns the milliseconds since `t0`. */
async function servedBy(ctx: DemoContext, digest: string, t0: number, timeoutMs: number): Promise<{ ms: number; requests: number }> {
  let requests = 0;
  await waitFor(`the router to serve ${digest.slice(0, 19)}…`, timeoutMs, async () => {
    requests++;
    return (await ask(ctx)).digest === digest ? true : undefined;
  });
  return { ms: Date.now() - t0, requests };
}

/** Exit codes of `lynx gate promote`: 0 pass, 1 fail, 3 inconclusive (not promoted either), 2 error. */
const GATE_EXIT: Record<number, string> = { 0: 'pass', 1: 'fail', 2: 'error', 3: 'inconclusive' };

/** Experiment 5: the eval set's power, regressed refused, lora promoted over base, rollback puts base back within a second. */
export async function deployGateExperiment(ctx: DemoContext, m: Manifest): Promise<void> {
  const { base, lora, regressed } = ctx.bundles;
  m.input({ name: 'eval_baseline.json', digest: await sha256File(path.join(ctx.setup.root, 'eval_baseline.json')) });
  m.input({ name: 'eval set', digest: await sha256File(path.join(ctx.setup.root, 'data/eval/grammar-eval.jsonl')), path: 'data/eval/grammar-eval.jsonl' });
  m.input({ name: 'baseline outcomes', digest: await sha256File(path.join(ctx.setup.root, 'data/eval/baseline-outcomes.jsonl')), path: 'data/eval/baseline-outcomes.jsonl' });
  for (const [n, b] of Object.entries({ base, lora, regressed })) m.input({ name: n, digest: b!.digest });
  await setPlan(ctx, m, { strategy: 'single' }, 'demo: production serves everything');
  await ensureBaseProduction(ctx, m);
  const before = await production(ctx);
  await servedBy(ctx, base!.digest, Date.now(), 5000);

  // What the eval set can decide, per bucket: the gate only gates the buckets it can power.
  const powerRun = await lynx(ctx, m, 'reader', ['gate', 'power', '--json']);
  const power = JSON.parse(powerRun.stdout) as PowerTable;
  const gating = power.buckets.filter((b) => b.gating);
  m.figure('power', {
    tolerance: power.tolerance,
    gating_buckets: gating.map((b) => b.name),
    report_only: power.buckets.filter((b) => !b.gating).map((b) => b.name),
    items_needed_per_gating_bucket: gating[0]?.needed ?? null,
    smallest_gating_n: Math.min(...gating.map((b) => b.n)),
  });
  m.check('every gating bucket of the eval set is powered', gating.length > 0 && gating.every((b) => b.n >= b.needed), `${gating.length} gating buckets, each >= ${gating[0]?.needed} items`);
  ctx.say('  power of the eval set:');
  for (const line of formatPowerTable(power).trimEnd().split('\n')) ctx.say(`    ${line}`);

  const refused = await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${regressed!.digest}`, '--semver', await semverFor(ctx, regressed!.digest), '--reason', 'demo: the regressed candidate'], -1);
  const after = await production(ctx);
  const failing = /gate: FAIL \(([^)]*)\)/.exec(refused.stdout)?.[1] ?? '';
  m.figure('regressed', { exit_code: refused.code, gate: GATE_EXIT[refused.code] ?? 'error', failing_buckets: failing.split(', ').filter(Boolean), production_before: before?.digest, production_after: after?.digest });
  m.check('regressed is refused with a fail (exit 1)', refused.code === 1, failing ? `fail: ${failing}` : `exit ${refused.code} (${GATE_EXIT[refused.code] ?? 'error'}): ${refused.stderr.trim()}`);
  m.check('the refusal names tense.past_participle', failing.includes('tense.past_participle'), failing || '-');
  m.check('production unchanged after the refusal', after?.digest === before?.digest && after?.semver === before?.semver, `${after?.digest} ${after?.semver ?? ''}`);
  const named = failing.split(', ').filter(Boolean);
  ctx.say(`  regressed: refused (${named.length} buckets regress, ${named.includes('tense.past_participle') ? 'tense.past_participle among them' : 'not tense.past_participle'}); production still ${after?.semver ?? ''} base`);

  const semver = await semverFor(ctx, lora!.digest);
  const promoted = await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${lora!.digest}`, '--semver', semver, '--reason', 'demo: lora passes the gate'], -1);
  if (promoted.code !== 0) {
    // 1 (fail) and 3 (inconclusive) both leave production alone; either way the experiment stops here.
    m.check('lora passes (exit 0)', false, `exit ${promoted.code} (${GATE_EXIT[promoted.code] ?? 'error'}): ${promoted.stderr.trim()}`);
    throw new Error(`lora was not promoted: gate ${GATE_EXIT[promoted.code] ?? 'error'} (exit ${promoted.code})`);
  }
  const verdict = /verdict ([\w-]+)/.exec(promoted.stdout)?.[1];
  const toLora = await servedBy(ctx, lora!.digest, Date.now(), 5000);
  m.check('lora passes and becomes production', (await production(ctx))?.digest === lora!.digest, `${semver}, verdict ${verdict}`);
  const lineage = await lynx(ctx, m, 'reader', ['lineage', `${MODEL}@${lora!.digest}`], -1);
  m.check('`lynx lineage` of production names its passing verdict', lineage.code === 0 && !!verdict && lineage.stdout.includes(verdict), lineage.code === 0 ? `verdict ${verdict}` : `exit ${lineage.code}`);
  ctx.say(`  lora: gate PASS → production ${semver} (verdict ${verdict}); router switched in ${toLora.ms} ms`);

  const t0 = Date.now();
  await lynx(ctx, m, 'operator', ['rollback', MODEL, '--reason', 'demo: roll back to base']);
  const back = await servedBy(ctx, base!.digest, t0, 5000);
  m.figure('lora', { semver, verdict_id: verdict, router_switch_ms: toLora.ms });
  m.figure('rollback', { router_serves_base_ms: back.ms, polls: back.requests });
  m.check('rollback puts base back', (await production(ctx))?.digest === base!.digest, `production ${(await production(ctx))?.digest}`);
  m.check('the router serves base within 1 s of the rollback', back.ms <= 1000, `${back.ms} ms (${back.requests} requests polled, x-lynx-digest)`);
  ctx.say(`  rollback: base serving again ${back.ms} ms after \`lynx rollback ${MODEL}\``);
}
