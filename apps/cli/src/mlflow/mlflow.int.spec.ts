import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'nats';
import { bundleDigest } from '@lynx/bundle';
import { MlflowClient } from '@lynx/platform';
import { makeTempDir, runPython, startMlflowServer, startRegistryChild, type MlflowServer, type RegistryChild } from '@lynx/platform/testing';
import { runTraining } from '@lynx/tutor';
import { lynx } from '../testing/cli-registry';

// MLflow as the seeds describe it, against a real `mlflow server` and MLflow's own Python client:
// runs tracked in MLflow enter Lynx by `lynx push --mlflow-run`, Lynx mirrors its registry into
// MLflow's, and `models:/<name>@production` resolved by MLflow gives the Lynx digest's bytes.
jest.setTimeout(420_000);

const CORPUS = join(__dirname, '../../../../data/corpus');

/** Python that resolves a models:/ URI with MLflow's client and prints the local folder. */
const DOWNLOAD = `
import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
print(mlflow.artifacts.download_artifacts(artifact_uri=sys.argv[2], dst_path=sys.argv[3]))
`;

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if ((v !== undefined && ok(v)) || Date.now() > deadline) return v as T;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('MLflow tracking and registry, with Lynx as the authority', () => {
  let mlflow: MlflowServer;
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const saved = { ...process.env };
  const model = `mlf-${Date.now().toString(36)}`;
  let baseDir: string;
  let runId: string;
  let digest: string;

  beforeAll(async () => {
    [mlflow, tmp] = await Promise.all([startMlflowServer(), makeTempDir('lynx-mlflow-it-')]);
    registry = await startRegistryChild({ prefix: 'mlf', roles: [], env: { LYNX_ENV: 'dev', LYNX_MLFLOW_TRACKING_URI: mlflow.url, LYNX_MLFLOW_RETRY_MS: '500' } });
    Object.assign(process.env, {
      LYNX_REGISTRY_URL: registry.url,
      LYNX_NAMESPACE: registry.ns.namespace,
      LYNX_NATS_URL: registry.ns.env.LYNX_NATS_URL,
      LYNX_MLFLOW_TRACKING_URI: mlflow.url,
    });
    baseDir = join(tmp.dir, 'base');
    await runTraining({ corpus: CORPUS, variant: 'base', out: baseDir });
  });
  afterAll(async () => {
    process.env = saved;
    await registry?.stop();
    await mlflow?.stop();
    await tmp?.cleanup();
  });

  it('lynx train --mlflow logs params, per-bucket dev metrics, source tags, the DVC-hashed corpus and the bundle under model/', async () => {
    const out = join(tmp.dir, 'logged');
    await lynx('train', '--variant', 'base', '--out', out, '--mlflow', '--mlflow-experiment', `${model}-train`);
    const client = new MlflowClient(mlflow.url);
    const experimentId = await client.experimentId(`${model}-train`);
    const py = await runPython(
      `import sys, json, mlflow
mlflow.set_tracking_uri(sys.argv[1])
r = mlflow.search_runs(experiment_ids=[sys.argv[2]], output_format='list')[0]
print(json.dumps({"params": r.data.params, "metrics": r.data.metrics, "tags": r.data.tags,
  "inputs": [[d.dataset.name, d.dataset.digest, [t.value for t in d.tags]] for d in r.inputs.dataset_inputs],
  "files": sorted(a.path for a in mlflow.MlflowClient().list_artifacts(r.info.run_id, "model"))}))`,
      [mlflow.url, experimentId],
    );
    const run = JSON.parse(py.trim().split('\n').pop()!);
    expect(run.params).toMatchObject({ variant: 'base', seed: '42' });
    expect(run.metrics.dev_accuracy).toBeGreaterThan(0.5);
    expect(Object.keys(run.metrics).filter((k) => k.startsWith('dev_accuracy.tense.')).length).toBeGreaterThan(1);
    expect(run.tags).toMatchObject({ 'mlflow.source.name': 'lynx train', 'lynx.digest': await bundleDigest(out) });
    expect(run.tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(run.inputs).toEqual([['data/corpus', expect.stringMatching(/^[0-9a-f]{32}\.dir$/), ['training']]]);
    expect(run.files).toEqual(['model/config.json', 'model/model.json']);
  });

  it('pushes a run logged by MLflow\'s Python client: same digest as the folder, lineage names the run, a second push registers nothing', async () => {
    const py = await runPython(
      `import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment(sys.argv[2])
with mlflow.start_run() as run:
    mlflow.log_params({"variant": "base", "lr": 0.1})
    mlflow.log_metric("dev_accuracy", 0.61)
    mlflow.log_artifacts(sys.argv[3], "model")
    print("RUN_ID=" + run.info.run_id)`,
      [mlflow.url, `${model}-py`, baseDir],
    );
    runId = /RUN_ID=([0-9a-f]{32})/.exec(py)![1];
    digest = (await lynx('push', '--mlflow-run', runId, '--model', model)).trim();
    expect(digest).toBe(await bundleDigest(baseDir));
    const version = (await registry.call('GET', `/v1/models/${model}/versions/${digest}`)).body as any;
    expect(version.lineage).toMatchObject({ run_id: runId, mlflow: { run_id: runId }, params: { variant: 'base', lr: '0.1' } });
    expect(version.metrics).toMatchObject({ dev_accuracy: 0.61 });
    expect(version.tags['mlflow.run_id']).toBe(runId);
    const again = await lynx('push', '--mlflow-run', `runs:/${runId}/model`, '--model', model);
    expect(again.trim()).toBe(digest);
    expect(((await registry.call('GET', `/v1/models/${model}/versions`)).body as any).items).toHaveLength(1);
  });

  it('promotes through the gate and MLflow resolves models:/<name>@production to bytes with the Lynx digest', async () => {
    await lynx('gate', 'promote', `${model}@${digest}`, '--semver', 'v1.0.0', '--bootstrap', '--reason', 'first production');
    const dest = join(tmp.dir, 'resolved');
    const folder = await eventually(
      () => runPython(DOWNLOAD, [mlflow.url, `models:/${model}@production`, dest]).then((o) => /^(\/.*)$/m.exec(o)![1]),
      (v) => typeof v === 'string' && !String(v).startsWith('Error'),
    );
    expect(await bundleDigest(folder)).toBe(digest);
    const client = new MlflowClient(mlflow.url);
    const v = await client.versionByAlias(model, 'production');
    expect(v?.tags).toEqual(expect.arrayContaining([{ key: 'lynx.digest', value: digest }, { key: 'lynx.semver', value: 'v1.0.0' }]));
    await expect(lynx('mlflow', 'check', model)).resolves.toMatch(/agrees/);
  });

  it('a run whose artifacts changed registers a new digest and says so', async () => {
    await writeFile(join(tmp.dir, 'NOTES.md'), 'retrained notes\n');
    await runPython(
      `import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
mlflow.MlflowClient().log_artifact(sys.argv[2], sys.argv[3], "model")`,
      [mlflow.url, runId, join(tmp.dir, 'NOTES.md')],
    );
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let said = '';
    const changed = await lynx('push', '--mlflow-run', runId, '--model', model)
      .then((o) => o.trim())
      .finally(() => {
        said = stderr.mock.calls.map((c) => String(c[0])).join('');
        stderr.mockRestore();
      });
    expect(said).toMatch(/changed since it was registered as sha256:/);
    expect(changed).not.toBe(digest);
    expect(changed).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('an alias move while MLflow is down reaches MLflow when it is back, and check then agrees', async () => {
    const versions = ((await registry.call('GET', `/v1/models/${model}/versions`)).body as any).items as Array<{ digest: string }>;
    const other = versions.find((v) => v.digest !== digest)!.digest;
    await mlflow.kill();
    const moved = await registry.call('PUT', `/v1/models/${model}/aliases/staging`, { digest: other, reason: 'try the new notes' });
    expect(moved.status).toBe(200);
    await mlflow.restart();
    const client = new MlflowClient(mlflow.url);
    const staging = await eventually(() => client.versionByAlias(model, 'staging'), (v) => Boolean(v));
    expect(staging?.tags).toEqual(expect.arrayContaining([{ key: 'lynx.digest', value: other }]));

    // Here the mirror may still be replaying the outage, so the end state is what is checked; the
    // next test edits MLflow by hand only once the mirror has drained.
    await expect(lynx('mlflow', 'check', model)).resolves.toMatch(/agrees/);
    const production = ((await registry.call('GET', `/v1/models/${model}/versions/production`)).body as any).digest;
    expect(production).toBe(digest);
  });

  it('a hand edit of an MLflow alias, made once the mirror has drained, is a disagreement check reports and Lynx never follows', async () => {
    // The mirror reconciles only on registry events: once its consumer has nothing pending or
    // unacked, nothing will undo the edit until the next Lynx event, so check sees it for sure.
    const nc = await connect({ servers: registry.ns.env.LYNX_NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = registry.ns.names.stream('registry').name;
      const drained = await eventually(
        () => jsm.consumers.info(stream, 'registry-mlflow-mirror'),
        (c) => c.num_pending === 0 && c.num_ack_pending === 0,
      );
      expect({ pending: drained.num_pending, unacked: drained.num_ack_pending }).toEqual({ pending: 0, unacked: 0 });
    } finally {
      await nc.close();
    }
    const client = new MlflowClient(mlflow.url);
    const versions = await client.modelVersions(model);
    const tagOf = (v: { tags?: Array<{ key: string; value: string }> }) => v.tags?.find((t) => t.key === 'lynx.digest')?.value;
    const wrong = versions.find((v) => tagOf(v) !== digest)!;
    await client.setAlias(model, 'production', wrong.version);

    const saidJson = await lynx('mlflow', 'check', model, '--json');
    const code = process.exitCode;
    process.exitCode = undefined;
    const report = JSON.parse(saidJson) as { agrees: boolean; disagreements: string[] };
    expect(code).toBe(1);
    expect(report.agrees).toBe(false);
    expect(report.disagreements).toEqual([`MLflow alias production → version ${wrong.version} (${tagOf(wrong)}), Lynx says ${digest}`]);
    // Lynx did not follow MLflow.
    expect(((await registry.call('GET', `/v1/models/${model}/versions/production`)).body as any).digest).toBe(digest);

    // The next Lynx event of the model reconciles it as a whole: MLflow's production is Lynx's again.
    expect((await registry.call('PUT', `/v1/models/${model}/aliases/staging`, { digest, reason: 'staging back on production' })).status).toBe(200);
    const restored = await eventually(() => client.versionByAlias(model, 'production'), (v) => !!v && tagOf(v) === digest);
    expect(tagOf(restored!)).toBe(digest);
    await expect(lynx('mlflow', 'check', model)).resolves.toMatch(/agrees/);
    process.exitCode = undefined;
  });
});
