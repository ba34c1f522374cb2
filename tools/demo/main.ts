import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupNamespace } from '@lynx/platform/testing';
import { stackConfig } from '../stack/config';
import { up } from '../stack/stack';
import { InProcessCli } from './cli';
import { type DemoContext, MODEL, VARIANTS, urlsOf } from './context';
import { EXPERIMENTS } from './experiments';
import { servedTotal } from './experiments/finops';
import { type ExperimentManifest, Manifest } from './manifest';
import { mlflowPath, startDemoMlflow } from './mlflow-path';
import { DemoServices } from './services';
import { prepare } from './setup';
import { formatSummary, type SummaryRow } from './summary';
import { DemoNats } from './wait';

const root = path.join(__dirname, '..', '..');

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** lynx.upstreams.yaml for this run: each variant's digest → the model server's variant of that name. */
function writeUpstreams(ctx: DemoContext): string {
  const file = path.join(ctx.setup.workDir, 'lynx.upstreams.yaml');
  const rules = VARIANTS.map((v) => `    - digest: "${ctx.bundles[v]!.digest}"\n      base_url: ${ctx.urls.modelServer}/v1\n      model: ${v}\n      api_key_env: LYNX_DEMO_UPSTREAM_TOKEN\n`).join('');
  fs.writeFileSync(file, `models:\n  ${MODEL}:\n${rules}`);
  return file;
}

/** The experiments this run takes: `--only <id,id>` picks some; the MLflow one needs the venv. */
function selectExperiments(argv: string[], withMlflow: boolean): typeof EXPERIMENTS {
  const only = option(argv, '--only')?.split(',').filter(Boolean);
  const unknown = only?.filter((id) => !EXPERIMENTS.some((e) => e.id === id)) ?? [];
  if (unknown.length) throw new Error(`--only: no experiment ${unknown.join(', ')} (${EXPERIMENTS.map((e) => e.id).join(', ')})`);
  return EXPERIMENTS.filter((e) => (!only || only.includes(e.id)) && (!e.mlflow || withMlflow));
}

/**
 * `npm run demo [-- --data-dir .lynx/demo --runs-dir runs --costs-md docs/COSTS.md --keep-streams --only <ids>]`:
 * the local stack, the Lynx services as children, the five experiments (six with the MLflow path,
 * taken when the Python venv exists), a summary table. Exit 0 when every experiment passed, 1 otherwise.
 */
export async function main(argv: string[], print: (line: string) => void = (l) => console.log(l)): Promise<{ code: number; runDir: string; rows: SummaryRow[] }> {
  process.chdir(root);
  const t0 = Date.now();
  const say = (line: string) => print(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const stack = stackConfig();
  const mlflowMode = mlflowPath();
  const experiments = selectExperiments(argv, mlflowMode.on);
  const withMlflow = experiments.some((e) => e.mlflow);
  say(mlflowMode.on && !withMlflow ? 'MLflow path: not among the experiments --only names' : mlflowMode.line);
  // The MLflow server takes 10-80 s to answer: it starts now and only its experiment waits for it.
  const mlflow = withMlflow ? await startDemoMlflow() : undefined;
  let mlflowReady: Awaited<NonNullable<typeof mlflow>['ready']> | undefined;
  void mlflow?.ready.then((r) => (mlflowReady = r));
  say('stack: checking NATS (JetStream) and Redis');
  await up(stack, (line) => say(`stack: ${line}`));
  const setup = await prepare({ root, dataDir: option(argv, '--data-dir'), runsDir: option(argv, '--runs-dir'), costsMd: option(argv, '--costs-md') });
  say(`run ${setup.runId}: namespace ${setup.namespace}, data ${path.relative(root, setup.dataDir)}, manifests ${path.relative(root, setup.runDir)}`);

  const services = new DemoServices(setup, stack);
  let nats: DemoNats | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await services.stop();
    // A server still starting (a Ctrl-C, a service that never came up) is killed as this process exits.
    if (mlflowReady?.server) await mlflowReady.server.stop();
    // The run's streams and Redis keys (dedup marks, rollups, drift windows, queues): nothing
    // reads them once the services are stopped, except `lynx report shadow` with --keep-streams.
    if (!argv.includes('--keep-streams')) await cleanupNamespace(setup.namespace, stack.natsUrl, stack.redisUrl).catch(() => undefined);
    await nats?.close();
  })());
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping the services`);
    void stop().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const manifests: ExperimentManifest[] = [];
  try {
    if (mlflow) say(`mlflow: tracking server starting at ${mlflow.url} (sqlite, --serve-artifacts); the registry mirrors into it`);
    // The registry mirrors its versions and aliases into MLflow's registry; until the server
    // answers, the mirror's events are nak'ed and come back a second later.
    const registryEnv = mlflow ? { LYNX_MLFLOW_TRACKING_URI: mlflow.url, LYNX_MLFLOW_RETRY_MS: '1000' } : undefined;
    say('services: starting registry, drift-worker, cost-emitter');
    await services.start([{ app: 'registry', env: registryEnv }, { app: 'drift-worker' }, { app: 'cost-emitter' }]);
    nats = await DemoNats.open(stack.natsUrl, setup.namespace);
    const urls = urlsOf(setup);
    const ctx: DemoContext = { setup, cli: new InProcessCli(root, { LYNX_REGISTRY_URL: urls.registry, LYNX_DRIFT_URL: urls.drift, LYNX_COST_EMITTER_URL: urls.cost, LYNX_NATS_URL: stack.natsUrl, LYNX_NAMESPACE: setup.namespace }), nats, urls, bundles: {}, say, servedBefore: 0, mlflow: mlflow ? { url: mlflow.url } : undefined };
    let phase2: true | Error | undefined;
    for (const exp of experiments) {
      const m = new Manifest(setup.runDir, setup.runId, exp.id, exp.title);
      say(`${exp.title}: running`);
      let error: Error | undefined;
      try {
        const missing = exp.needs.filter((id) => !manifests.find((x) => x.experiment === id)?.passed);
        if (missing.length) throw new Error(`skipped: ${missing.join(', ')} did not pass`);
        if (exp.serving && phase2 instanceof Error) throw phase2;
        if (exp.mlflow && mlflow) {
          const t = Date.now();
          const { error } = await mlflow.ready;
          if (error) throw new Error(`the MLflow server did not start: ${error.message.split('\n')[0]}`);
          say(`mlflow: answering (waited ${((Date.now() - t) / 1000).toFixed(1)} s here)`);
        }
        if (exp.serving && !phase2) {
          say('services: starting model-server (base, int8, lora on base, regressed) and router');
          const bundle = (v: (typeof VARIANTS)[number]) => path.relative(root, ctx.bundles[v]!.dir);
          const models = `base=${bundle('base')},lora=${bundle('lora')}:base,int8=${bundle('int8')},regressed=${bundle('regressed')}`;
          // /readyz (the default probe): the router is ready once it has read its plans from the
          // registry and NATS is up, even before base is production (experiment 2 bootstraps it);
          // until then it answers 503 for the model.
          await services
            .start([
              { app: 'model-server', env: { LYNX_MODEL_SERVER_MODELS: models } },
              { app: 'router', env: { LYNX_ROUTER_UPSTREAMS_FILE: writeUpstreams(ctx), LYNX_ROUTER_MODELS: MODEL, LYNX_DEMO_UPSTREAM_TOKEN: setup.tokens.reader } },
            ])
            .catch((err: Error) => {
              phase2 = err;
              throw err;
            });
          phase2 = true;
        }
        await exp.run(ctx, m);
        if (exp.id === '1-registry-round-trip') ctx.servedBefore = await servedTotal(ctx);
      } catch (err) {
        error = err as Error;
      }
      const result = m.finish(error);
      manifests.push(result);
      const failed = result.checks.filter((c) => !c.passed);
      say(`${exp.title}: ${result.passed ? 'PASS' : 'FAIL'} (${result.seconds} s)${error ? ` — ${error.message.split('\n')[0]}` : ''}${failed.length ? ` — failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}` : ''}`);
    }
  } finally {
    say('services: stopping');
    await stop();
  }
  const rows: SummaryRow[] = manifests.map((x) => ({ experiment: x.title, id: x.experiment, passed: x.passed, seconds: x.seconds ?? 0, checks: `${x.checks.filter((c) => c.passed).length}/${x.checks.length}`, manifest: path.relative(root, path.join(setup.runDir, x.experiment, 'manifest.json')) }));
  fs.writeFileSync(path.join(setup.runDir, 'summary.json'), `${JSON.stringify({ run_id: setup.runId, seconds: (Date.now() - t0) / 1000, experiments: rows }, null, 2)}\n`);
  print('');
  print(formatSummary(rows, (Date.now() - t0) / 1000));
  return { code: rows.length === experiments.length && rows.every((r) => r.passed) ? 0 : 1, runDir: setup.runDir, rows };
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then(({ code }) => process.exit(code))
    .catch((err: Error) => {
      console.error(`demo: ${err.message}`);
      process.exit(2);
    });
}
