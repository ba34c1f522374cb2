import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, QueueEvents } from 'bullmq';
import type { NatsConnection } from 'nats';
import { redisOptions } from '@lynx/platform';
import { TEST_REDIS_URL, TEST_NATS_URL, makeTempDir, spawnListening, startRegistryChild, testNamespace, type ListeningChild, type RegistryChild, type TestNamespace } from '@lynx/platform/testing';
import { QUEUES, SUBJECTS } from '@lynx/schema';
import { dataDigest, loadModel, parseShift, runTraining, type TutorModel } from '@lynx/tutor';
import { CORPUS_DIR, REPO_ROOT } from '@lynx/tutor/testing';
import { bundleManifest } from '@lynx/bundle';
import { createDriftApp } from './drift-app';
import { ConsumerRunner } from './ingest/consumer-runner';
import { HttpRegistryClient } from './registry/registry-client';
import type { RetrainResult } from './retrain/retrain.service';
import type { WorkerReport } from './reports/worker-report';
import { WindowStore, member } from './store/window-store';
import { natsConnect, publishAll, trafficEvents } from './test-support';

const MODEL = 'grammar-tutor';
jest.setTimeout(180_000);

// A LoRA version drifts: the retrain trains a LoRA adapter on the same base, its lineage names the
// report and the trigger, the gate (a real gate process) gets its evaluation queued, nothing is
// promoted; the next window is held by the cooldown (counted in windows, closed by `lynx drift close`).
describe('drift retrain of a LoRA version', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let registry: RegistryChild;
  let gate: ListeningChild;
  let app: NestFastifyApplication;
  let driftUrl: string;
  let lora: TutorModel;
  let baseDigest: string;
  let loraDigest: string;
  let retrainEvents: QueueEvents;
  let retrainQueue: Queue;

  beforeAll(async () => {
    ns = testNamespace('driftl');
    await ns.createStreams();
    nc = await natsConnect(TEST_NATS_URL);
    tmp = await makeTempDir('lynx-drift-lora-');
    registry = await startRegistryChild({ prefix: 'driftlr', roles: [] });
    const base = await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: `${tmp.dir}/base` });
    const loraRun = await runTraining({ corpus: CORPUS_DIR, variant: 'lora', out: `${tmp.dir}/lora`, base: `${tmp.dir}/base` });
    lora = await loadModel(`${tmp.dir}/lora`, `${tmp.dir}/base`);
    const client = new HttpRegistryClient(registry.url);
    const corpus = { name: 'corpus', digest: await dataDigest(CORPUS_DIR), uri: 'data/corpus' };
    baseDigest = (await client.register(MODEL, { dir: `${tmp.dir}/base`, files: (await bundleManifest(`${tmp.dir}/base`)).files, lineage: { run_id: base.run_id, data: [corpus], params: { variant: 'base' } } })).digest;
    loraDigest = (
      await client.register(MODEL, {
        dir: `${tmp.dir}/lora`,
        files: (await bundleManifest(`${tmp.dir}/lora`)).files,
        lineage: { run_id: loraRun.run_id, data: [corpus], params: { variant: 'lora' }, parent_digest: baseDigest },
      })
    ).digest;
    gate = await spawnListening(['-r', './tools/register.js', 'apps/gate/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_GATE_AUTO_CANARY: 'false', LYNX_HOST: '127.0.0.1', LYNX_GATE_PORT: '0', LYNX_LOG_LEVEL: 'info' },
      label: 'gate',
    });
    app = await createDriftApp({
      env: {
        ...ns.env,
        LYNX_REGISTRY_URL: registry.url,
        LYNX_DRIFT_SCHEDULE: 'false',
        LYNX_DRIFT_CONSUMER: 'drift-lora',
        LYNX_DRIFT_DATA_ROOT: REPO_ROOT,
        LYNX_DRIFT_RETRAIN_DIR: `${tmp.dir}/retrain`,
        LYNX_GATE_URL: gate.url,
        LYNX_DRIFT_COOLDOWN_WINDOWS: '1',
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    driftUrl = await app.getUrl();
    retrainEvents = new QueueEvents(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    await retrainEvents.waitUntilReady();
    retrainQueue = new Queue(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    const profile = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/v1/drift/profiles', payload: { model: MODEL, ref: loraDigest } });
    expect(profile.statusCode).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await retrainQueue?.close();
    await retrainEvents?.close();
    await app?.close();
    await gate?.stop();
    await registry?.stop();
    await nc?.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  async function replayShifted(seed: number): Promise<void> {
    const events = trafficEvents({ seed, count: 1000, digest: loraDigest, tutor: lora, shifts: [parseShift('tense.past_participle=+30%')], newLemmas: 20 });
    const windows = app.get(WindowStore);
    const wid = (await windows.currentWindow()).id;
    const consumer = app.get(ConsumerRunner).consumer!;
    const target = (await windows.readAggregate(wid, member(MODEL, loraDigest))).count + events.length;
    const done = new Promise<void>((resolve) => {
      const on = async () => {
        if ((await windows.readAggregate(wid, member(MODEL, loraDigest))).count >= target) {
          consumer.off('batch', on);
          resolve();
        }
      };
      consumer.on('batch', on);
    });
    await publishAll(nc, ns.names.subject(SUBJECTS.inferenceCompleted), events, (e) => (e as { event_id: string }).event_id);
    await done;
  }

  /** `lynx drift close <model> --json` against the listening worker (async: the worker runs in this process). */
  async function cliClose(): Promise<{ window_id: string; reports: Array<{ id: string; decision: string }> }> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/bin/lynx.js'), 'drift', 'close', MODEL, '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LYNX_DRIFT_URL: driftUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    return JSON.parse(stdout);
  }

  const report = async (id: string) => (await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/v1/drift/reports/${id}` })).json() as WorkerReport;

  it('retrains a LoRA adapter on the same base, lineage naming the report and trigger, and queues its gate evaluation', async () => {
    await replayShifted(31);
    const closed = await cliClose();
    expect(closed.reports).toEqual([expect.objectContaining({ decision: 'retrain' })]);
    const first = await report(closed.reports[0].id);
    const job = await retrainQueue.getJob(first.id);
    expect(job).toBeDefined();
    const result = (await job!.waitUntilFinished(retrainEvents, 120_000)) as RetrainResult;
    const candidate = await new HttpRegistryClient(registry.url).getVersion(MODEL, result.candidate.digest);
    expect(candidate.lineage.params).toMatchObject({ variant: 'lora', trigger: 'drift', drift_report_id: first.id, retrained_from: loraDigest });
    expect(String(candidate.lineage.params?.trigger_reason)).toContain(first.id);
    expect(candidate.lineage.parent_digest).toBe(baseDigest);
    expect(candidate.tags).toMatchObject({ source: 'drift-retrain', trigger: 'drift', variant: 'lora' });
    // An adapter: it names its base and cannot load without it.
    const pulled = `${tmp.dir}/pulled`;
    await new HttpRegistryClient(registry.url).pull(MODEL, candidate.digest, pulled);
    await expect(loadModel(pulled)).rejects.toThrow(/adapter/);
    await expect(loadModel(pulled, `${tmp.dir}/base`)).resolves.toBeDefined();
    // The gate's own job API has the evaluation; nothing was promoted.
    expect(result.gate_evaluation).toMatchObject({ queued: true });
    const evaluation = await fetch(`${gate.url}/v1/gate/evaluations/${result.gate_evaluation.id}`);
    expect(evaluation.status).toBe(200);
    expect(await evaluation.json()).toMatchObject({ model: MODEL, candidate_digest: candidate.digest });
    expect((await fetch(`${registry.url}/v1/models/${MODEL}/versions/production`)).status).toBe(404);
  });

  it('holds the next window by the cooldown (one window), then asks again', async () => {
    // The gate has done its part; stopped so its evaluation does not compete with this test's training.
    await gate.stop();
    await replayShifted(32);
    const held = await cliClose();
    expect(held.reports.map((r) => r.decision)).toEqual(['watch']);
    const heldReport = await report(held.reports[0].id);
    expect(heldReport.reasons.join(' ')).toMatch(/cooldown: 1 window/);
    expect(await retrainQueue.getJob(heldReport.id)).toBeUndefined();

    await replayShifted(33);
    const again = await cliClose();
    expect(again.reports.map((r) => r.decision)).toEqual(['retrain']);
    const job = await retrainQueue.getJob(again.reports[0].id);
    expect(job).toBeDefined();
    // The gate is down now: the candidate is still registered, the missed evaluation is reported.
    const result = (await job!.waitUntilFinished(retrainEvents, 120_000)) as RetrainResult;
    expect(result.gate_evaluation).toMatchObject({ queued: false, error: expect.stringMatching(/gate unreachable .*LYNX_GATE_URL/) });
  });
});
