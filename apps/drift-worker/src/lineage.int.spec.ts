import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, QueueEvents } from 'bullmq';
import { bundleManifest } from '@lynx/bundle';
import { redisOptions } from '@lynx/platform';
import {
  TEST_REDIS_URL,
  makeTempDir,
  openLineageValidator,
  spawnListening,
  startRegistryChild,
  testNamespace,
  type ListeningChild,
  type RegistryChild,
  type TestNamespace,
} from '@lynx/platform/testing';
import { QUEUES } from '@lynx/schema';
import { dataDigest, runTraining } from '@lynx/tutor';
import { CORPUS_DIR, REPO_ROOT } from '@lynx/tutor/testing';
import { createDriftApp } from './drift-app';
import { HttpRegistryClient } from './registry/registry-client';
import type { RetrainResult } from './retrain/retrain.service';

const MODEL = 'grammar-tutor';
jest.setTimeout(240_000);

interface RunEvent {
  eventType: string;
  eventTime: string;
  run: { runId: string; facets?: Record<string, any> };
  job: { namespace: string; name: string };
  inputs?: Array<{ namespace: string; name: string }>;
  outputs?: Array<{ namespace: string; name: string }>;
}

// The gate's evaluate and promote runs and the drift worker's retrain runs as OpenLineage
// RunEvents, from the real processes: the registry and the gate as children, the drift worker in
// this process, all sending to one Marquez-shaped endpoint (POST /api/v1/lineage) here. Every
// event validates against the 2-0-2 schema; each run is START then COMPLETE or FAIL, one runId.
describe('OpenLineage from the gate and the drift worker', () => {
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let listener: Server;
  let registry: RegistryChild;
  let gate: ListeningChild;
  let app: NestFastifyApplication;
  let queue: Queue;
  let queueEvents: QueueEvents;
  let baseDigest: string;
  let junkDigest: string;
  const received: RunEvent[] = [];
  const paths: string[] = [];
  const validate = openLineageValidator();

  beforeAll(async () => {
    listener = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        paths.push(`${req.method} ${req.url}`);
        received.push(JSON.parse(body) as RunEvent);
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const lineageUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

    ns = testNamespace('olgd');
    await ns.createStreams();
    tmp = await makeTempDir('lynx-ol-gate-drift-');
    registry = await startRegistryChild({ prefix: 'olgdr', roles: [], env: { LYNX_OPENLINEAGE_URL: lineageUrl } });
    const base = await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: `${tmp.dir}/base` });
    const client = new HttpRegistryClient(registry.url);
    const corpus = { name: 'corpus', digest: await dataDigest(CORPUS_DIR), uri: 'data/corpus' };
    baseDigest = (await client.register(MODEL, { dir: `${tmp.dir}/base`, files: (await bundleManifest(`${tmp.dir}/base`)).files, lineage: { run_id: base.run_id, data: [corpus], params: { variant: 'base' } } })).digest;
    // A version naming no known variant: its retrain fails at once.
    const junkDir = `${tmp.dir}/junk`;
    await mkdir(junkDir);
    await writeFile(`${junkDir}/weights.bin`, 'not a model');
    junkDigest = (await client.register(MODEL, { dir: junkDir, files: (await bundleManifest(junkDir)).files, lineage: { data: [], params: { variant: 'none' } } })).digest;

    gate = await spawnListening(['-r', './tools/register.js', 'apps/gate/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_OPENLINEAGE_URL: lineageUrl, LYNX_GATE_AUTO_CANARY: 'false', LYNX_HOST: '127.0.0.1', LYNX_GATE_PORT: '0', LYNX_LOG_LEVEL: 'info' },
      label: 'gate',
    });
    app = await createDriftApp({
      env: {
        ...ns.env,
        LYNX_REGISTRY_URL: registry.url,
        LYNX_OPENLINEAGE_URL: lineageUrl,
        LYNX_DRIFT_SCHEDULE: 'false',
        LYNX_DRIFT_CONSUMER: 'drift-lineage',
        LYNX_DRIFT_DATA_ROOT: REPO_ROOT,
        LYNX_DRIFT_RETRAIN_DIR: `${tmp.dir}/retrain`,
        LYNX_GATE_URL: gate.url,
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    queue = new Queue(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    queueEvents = new QueueEvents(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    await queueEvents.waitUntilReady();
  }, 240_000);

  afterAll(async () => {
    await queueEvents?.close();
    await queue?.close();
    await app?.close();
    await gate?.stop();
    await registry?.stop();
    await new Promise((r) => listener?.close(r));
    await ns?.cleanup();
    await tmp?.cleanup();
  });

  /** `lynx …` as its own process, against the registry and gate of this test. */
  async function lynx(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/bin/lynx.js'), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_GATE_URL: gate.url } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    return { code, stdout, stderr };
  }

  /** Events grouped by run, in the order they arrived. */
  function runs(job: string): RunEvent[][] {
    const byRun = new Map<string, RunEvent[]>();
    for (const e of received.filter((x) => x.job.name === `lynx.${job}`)) byRun.set(e.run.runId, [...(byRun.get(e.run.runId) ?? []), e]);
    return [...byRun.values()];
  }

  /** Waits until `job` has `count` finished runs (a COMPLETE or FAIL event each). */
  async function finished(job: string, count: number): Promise<RunEvent[][]> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const done = runs(job).filter((r) => r.some((e) => e.eventType === 'COMPLETE' || e.eventType === 'FAIL'));
      if (done.length >= count || Date.now() > deadline) return runs(job);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  function expectRunShape(run: RunEvent[], namespace: string, job: string, terminal: 'COMPLETE' | 'FAIL'): void {
    expect(run.map((e) => e.eventType)).toEqual(['START', terminal]);
    expect(new Set(run.map((e) => e.run.runId)).size).toBe(1);
    for (const e of run) expect(e.job).toMatchObject({ namespace, name: `lynx.${job}` });
    expect(Date.parse(run[1].eventTime)).toBeGreaterThanOrEqual(Date.parse(run[0].eventTime));
  }

  it('promote through the gate: START then COMPLETE from the registry, the production alias as its output', async () => {
    const boot = await lynx(['gate', 'promote', `${MODEL}@${baseDigest}`, '--semver', 'v0.1.0', '--bootstrap', '--reason', 'start the line']);
    expect({ code: boot.code, stderr: boot.stderr }).toEqual({ code: 0, stderr: '' });
    const [run, ...others] = await finished('promote', 1);
    expect(others).toEqual([]);
    expectRunShape(run, registry.ns.namespace, 'promote', 'COMPLETE');
    expect(run[0].inputs).toEqual([expect.objectContaining({ namespace: 'lynx-registry', name: `${MODEL}@${baseDigest}` })]);
    expect(run[1].outputs).toEqual([expect.objectContaining({ namespace: 'lynx-registry', name: `${MODEL}@production` })]);
  });

  it('a retrain is START then COMPLETE naming its candidate, whose gate evaluation is START then COMPLETE on the same dataset; a failed retrain is START then FAIL', async () => {
    const ok = await queue.add('retrain', { trigger: 'schedule', model: MODEL, digest: baseDigest, reason: 'lineage spec' }, { jobId: 'lineage-ok' });
    const result = (await ok.waitUntilFinished(queueEvents, 180_000)) as RetrainResult;
    expect(result.gate_evaluation).toMatchObject({ queued: true });
    const bad = await queue.add('retrain', { trigger: 'schedule', model: MODEL, digest: junkDigest, reason: 'lineage spec' }, { jobId: 'lineage-bad' });
    await expect(bad.waitUntilFinished(queueEvents, 60_000)).rejects.toThrow(/names no known variant/);

    const retrains = await finished('retrain', 2);
    expect(retrains).toHaveLength(2);
    const [good, failed] = retrains;
    expectRunShape(good, ns.namespace, 'retrain', 'COMPLETE');
    const candidate = `${MODEL}@${result.candidate.digest}`;
    expect(good[1].outputs).toEqual([expect.objectContaining({ namespace: 'lynx-registry', name: candidate })]);
    expectRunShape(failed, ns.namespace, 'retrain', 'FAIL');
    expect(failed[1].run.facets?.errorMessage?.message).toMatch(/names no known variant/);

    const evaluations = await finished('evaluate', 1);
    expect(evaluations).toHaveLength(1);
    expectRunShape(evaluations[0], ns.namespace, 'evaluate', 'COMPLETE');
    // The lineage graph joins: the retrain's output is the evaluation's input.
    expect(evaluations[0][0].inputs).toEqual([expect.objectContaining({ namespace: 'lynx-registry', name: candidate })]);
  });

  it('every event received validates against the OpenLineage 2-0-2 schema, each posted to /api/v1/lineage', () => {
    expect(received.length).toBeGreaterThanOrEqual(8);
    for (const e of received) expect({ job: e.job.name, type: e.eventType, errors: validate(e) ? [] : validate.errors }).toEqual({ job: e.job.name, type: e.eventType, errors: [] });
    expect(new Set(paths)).toEqual(new Set(['POST /api/v1/lineage']));
  });
});
