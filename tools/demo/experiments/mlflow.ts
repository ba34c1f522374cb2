import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleDigest } from '@lynx/bundle';
import { MlflowClient, LYNX_DIGEST_TAG } from '@lynx/platform';
import { runPython } from '@lynx/platform/testing';
import { lynxStep } from '../cli';
import { type DemoContext, MODEL, lynx } from '../context';
import type { Manifest } from '../manifest';
import { production, semverFor } from '../steps';
import { waitFor } from '../wait';

/** MLflow's own Python client resolving a models:/ URI; prints the local folder it downloaded. */
const RESOLVE = `
import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
print(mlflow.artifacts.download_artifacts(artifact_uri=sys.argv[2], dst_path=sys.argv[3]))
`;

/** How long the registry's mirror may take to bring MLflow level with Lynx after the last event. */
const MIRROR_MS = 90_000;

const short = (d: string | undefined) => (d ? `${d.slice(0, 19)}…` : '-');

/**
 * Experiment 6 (when the Python venv exists): base trained with the run logged to MLflow, pushed
 * from that run, and the registry's mirror checked from MLflow's side: models:/grammar-tutor@production
 * resolved by MLflow's Python client gives bytes with Lynx's production digest, and
 * `lynx mlflow check` agrees. Production is only bootstrapped when no earlier experiment set it.
 */
export async function mlflowExperiment(ctx: DemoContext, m: Manifest): Promise<void> {
  const mlflow = ctx.mlflow;
  if (!mlflow) throw new Error('no MLflow server: the demo starts one only when the Python venv exists');
  const env = { LYNX_TOKEN: ctx.setup.tokens.trainer, LYNX_MLFLOW_TRACKING_URI: mlflow.url };
  const rel = (p: string) => path.relative(ctx.setup.root, p);
  const out = path.join(ctx.setup.workDir, 'mlflow', 'base');

  const trained = await lynxStep(ctx.cli, m, ['train', '--corpus', 'data/corpus', '--variant', 'base', '--out', rel(out), '--seed', '42', '--mlflow', '--mlflow-experiment', MODEL], { role: 'trainer', env });
  const runId = /MLflow run ([0-9a-f]{32})/.exec(trained.stderr)?.[1];
  m.check('lynx train --mlflow logged a run', !!runId, trained.stderr.trim().split('\n').pop() ?? '');
  if (!runId) throw new Error('lynx train --mlflow printed no MLflow run id');
  const local = trained.stdout.trim();
  const pushed = (await lynxStep(ctx.cli, m, ['push', '--mlflow-run', runId, '--model', MODEL], { role: 'trainer', env })).stdout.trim();
  m.output({ name: 'base (from MLflow)', digest: pushed, path: `runs:/${runId}/model` });
  m.check('push --mlflow-run registers the trained digest', pushed === local, `${pushed} vs ${local}`);
  ctx.say(`  MLflow run ${runId} → lynx push --mlflow-run → ${short(pushed)}`);

  let how = 'set by an earlier experiment';
  if (!(await production(ctx))) {
    await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${pushed}`, '--semver', await semverFor(ctx, pushed), '--bootstrap', '--reason', 'demo: start the model line from the MLflow run']);
    how = 'bootstrapped from the MLflow run';
  }
  const prod = (await production(ctx))!;

  // The mirror is driven by registry events: wait until MLflow's production carries Lynx's digest.
  const client = new MlflowClient(mlflow.url);
  const mirroredVersion = await waitFor('MLflow production to carry the Lynx digest', MIRROR_MS, async () => {
    const v = await client.versionByAlias(MODEL, 'production').catch(() => undefined);
    return v?.tags?.find((t) => t.key === LYNX_DIGEST_TAG)?.value === prod.digest ? v : undefined;
  });
  const dest = path.join(ctx.setup.workDir, 'mlflow', 'resolved');
  fs.rmSync(dest, { recursive: true, force: true });
  const t0 = Date.now();
  const folder = (await runPython(RESOLVE, [mlflow.url, `models:/${MODEL}@production`, dest])).trim().split('\n').pop()!;
  const resolved = await bundleDigest(folder);
  m.step({ command: `python -c 'mlflow.artifacts.download_artifacts("models:/${MODEL}@production")'`, ms: Date.now() - t0, ok: resolved === prod.digest, output: `${folder} hashes to ${resolved}` });
  m.check('MLflow resolves models:/grammar-tutor@production to the Lynx production digest', resolved === prod.digest, `${resolved} vs ${prod.digest}`);

  // Other events (the drift candidate, earlier alias moves) may still be on their way: check agrees once drained.
  let check = { code: -1, stdout: '' };
  await waitFor('lynx mlflow check to agree', MIRROR_MS, async () => {
    check = await lynxStep(ctx.cli, m, ['mlflow', 'check', MODEL], { role: 'reader', env: { ...env, LYNX_TOKEN: ctx.setup.tokens.reader }, expect: -1 });
    return check.code === 0 ? true : undefined;
  }).catch(() => undefined);
  m.check('lynx mlflow check agrees', check.code === 0, check.stdout.trim());

  const rows = [
    ['alias', 'Lynx digest', 'MLflow version', 'lynx.digest tag', 'resolved by mlflow (Python)'],
    ['production', short(prod.digest), mirroredVersion.version, short(mirroredVersion.tags?.find((t) => t.key === LYNX_DIGEST_TAG)?.value), short(resolved)],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) ctx.say(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`);
  ctx.say(`  production ${prod.semver ?? ''} (${how}); ${check.stdout.trim().split('\n')[0]}`);
  m.figure('mlflow', {
    tracking_uri: mlflow.url,
    run_id: runId,
    pushed_digest: pushed,
    production: { digest: prod.digest, semver: prod.semver, how },
    mlflow_production: { version: mirroredVersion.version, lynx_digest: mirroredVersion.tags?.find((t) => t.key === LYNX_DIGEST_TAG)?.value, resolved_digest: resolved },
    check: check.stdout.trim(),
  });
}
