import * as path from 'node:path';
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

/** Experiment 5: regressed refused, lora promoted over base, rollback puts base back within a second. */
export async function deployGateExperiment(ctx: DemoContext, m: Manifest): Promise<void> {
  const { base, lora, regressed } = ctx.bundles;
  m.input({ name: 'eval_baseline.json', digest: await sha256File(path.join(ctx.setup.root, 'eval_baseline.json')) });
  m.input({ name: 'eval set', digest: await sha256File(path.join(ctx.setup.root, 'data/eval/grammar-eval.jsonl')), path: 'data/eval/grammar-eval.jsonl' });
  for (const [n, b] of Object.entries({ base, lora, regressed })) m.input({ name: n, digest: b!.digest });
  await setPlan(ctx, m, { strategy: 'single' }, 'demo: production serves everything');
  await ensureBaseProduction(ctx, m);
  const before = await production(ctx);
  await servedBy(ctx, base!.digest, Date.now(), 5000);

  const refused = await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${regressed!.digest}`, '--semver', await semverFor(ctx, regressed!.digest), '--reason', 'demo: the regressed candidate'], 1);
  const after = await production(ctx);
  const failing = /gate: FAIL \(([^)]*)\)/.exec(refused.stdout)?.[1] ?? '';
  m.figure('regressed', { exit_code: refused.code, failing_buckets: failing.split(', ').filter(Boolean), production_before: before?.digest, production_after: after?.digest });
  m.check('regressed is refused (exit 1)', refused.code === 1, failing ? `regressions: ${failing}` : refused.stderr.trim());
  m.check('the refusal names tense.past_participle', failing.includes('tense.past_participle'), failing || '-');
  m.check('production unchanged after the refusal', after?.digest === before?.digest && after?.semver === before?.semver, `${after?.digest} ${after?.semver ?? ''}`);
  const named = failing.split(', ').filter(Boolean);
  ctx.say(`  regressed: refused (${named.length} buckets regress, ${named.includes('tense.past_participle') ? 'tense.past_participle among them' : 'not tense.past_participle'}); production still ${after?.semver ?? ''} base`);

  const semver = await semverFor(ctx, lora!.digest);
  const promoted = await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${lora!.digest}`, '--semver', semver, '--reason', 'demo: lora passes the gate']);
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
