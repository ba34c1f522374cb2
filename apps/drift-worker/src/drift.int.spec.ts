import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, QueueEvents } from 'bullmq';
import { JSONCodec, type NatsConnection } from 'nats';
import { redisOptions } from '@lynx/platform';
import { TEST_NATS_URL, TEST_REDIS_URL, makeTempDir, startRegistryChild, testNamespace, type RegistryChild, type TestNamespace } from '@lynx/platform/testing';
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
import type { CloseJobResult } from './windows/window.processor';
import { WindowService } from './windows/window.service';

const MODEL = 'grammar-tutor';

describe('drift worker end to end: traffic → window reports → retrain candidate in the registry', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let registry: RegistryChild;
  let app: NestFastifyApplication;
  let tutor: TutorModel;
  let digest: string;
  let retrainEvents: QueueEvents;

  beforeAll(async () => {
    ns = testNamespace('drifte');
    await ns.createStreams();
    nc = await natsConnect(TEST_NATS_URL);
    tmp = await makeTempDir('lynx-drift-e2e-');
    registry = await startRegistryChild({ prefix: 'driftr', roles: [] });
    // The served version: the base tutor trained on the committed corpus, lineage naming it.
    const run = await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: `${tmp.dir}/base` });
    tutor = await loadModel(`${tmp.dir}/base`);
    const client = new HttpRegistryClient(registry.url);
    const manifest = await bundleManifest(`${tmp.dir}/base`);
    const served = await client.register(MODEL, {
      dir: `${tmp.dir}/base`,
      files: manifest.files,
      lineage: { run_id: run.run_id, data: [{ name: 'corpus', digest: await dataDigest(CORPUS_DIR), uri: 'data/corpus' }], params: { variant: 'base' } },
    });
    digest = served.digest;
    app = await createDriftApp({
      env: {
        ...ns.env,
        LYNX_REGISTRY_URL: registry.url,
        LYNX_DRIFT_SCHEDULE: 'false',
        LYNX_DRIFT_CONSUMER: 'drift-e2e',
        LYNX_DRIFT_DATA_ROOT: REPO_ROOT,
        LYNX_DRIFT_RETRAIN_DIR: `${tmp.dir}/retrain`,
      },
    });
    retrainEvents = new QueueEvents(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    await retrainEvents.waitUntilReady();
  }, 60_000);

  afterAll(async () => {
    await retrainEvents?.close();
    await app?.close();
    await registry?.stop();
    await nc?.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  async function queue2Count(jobId: string): Promise<number> {
    const queue = new Queue(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
      return jobs.filter((j) => j.id === jobId).length;
    } finally {
      await queue.close();
    }
  }

  const http = () => app.getHttpAdapter().getInstance();

  async function replay(events: ReturnType<typeof trafficEvents>): Promise<void> {
    const windows = app.get(WindowStore);
    const wid = (await windows.currentWindow()).id;
    const consumer = app.get(ConsumerRunner).consumer!;
    const target = (await windows.readAggregate(wid, member(MODEL, digest))).count + events.length;
    const done = new Promise<void>((resolve) => {
      const on = async () => {
        if ((await windows.readAggregate(wid, member(MODEL, digest))).count >= target) {
          consumer.off('batch', on);
          resolve();
        }
      };
      consumer.on('batch', on);
    });
    await publishAll(nc, ns.names.subject(SUBJECTS.inferenceCompleted), events, (e) => (e as { event_id: string }).event_id);
    await done;
  }

  async function close(): Promise<WorkerReport> {
    const res = await http().inject({ method: 'POST', url: '/v1/drift/windows/close' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as CloseJobResult;
    expect(body.reports).toHaveLength(1);
    const show = await http().inject({ method: 'GET', url: `/v1/drift/reports/${body.reports[0].id}` });
    expect(show.statusCode).toBe(200);
    return show.json() as WorkerReport;
  }

  it('reports no_reference before a profile exists, and builds the profile from the lineage corpus', async () => {
    await replay(trafficEvents({ seed: 20, count: 300, digest, tutor }));
    const first = await close();
    expect(first.decision).toBe('no_reference');
    expect(first.metrics.filter((m) => m.against === 'reference')).toEqual([]);

    const res = await http().inject({ method: 'POST', url: '/v1/drift/profiles', payload: { model: MODEL, ref: digest } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ digest, items: 6000, data: { name: 'corpus' } });
    expect(res.json().scalars.input_tokens.edges.length).toBeGreaterThan(2);
    const bad = await http().inject({ method: 'POST', url: '/v1/drift/profiles', payload: { model: MODEL, ref: 'no/such' } });
    expect(bad.statusCode).toBe(400);
  }, 60_000);

  it('unshifted traffic → none', async () => {
    await replay(trafficEvents({ seed: 21, count: 5000, digest, tutor }));
    const report = await close();
    expect(report.count).toBe(5000);
    expect(report.decision).toBe('none');
    expect(report.metrics.find((m) => m.feature === 'lemma' && m.metric === 'kl' && m.against === 'reference')!.verdict).toBe('ok');
  }, 60_000);

  it('past participles +30 % and 20 new lemmas → over threshold, retrain, and a registered candidate whose lineage names the report', async () => {
    const requested: unknown[] = [];
    const sub = nc.subscribe(ns.names.subject(SUBJECTS.driftRetrainRequested));
    void (async () => {
      for await (const m of sub) requested.push(JSONCodec().decode(m.data));
    })();
    await replay(trafficEvents({ seed: 22, count: 5000, digest, tutor, shifts: [parseShift('tense.past_participle=+30%')], newLemmas: 20 }));
    const report = await close();
    expect(report.decision).toBe('retrain');
    const lemmaKl = report.metrics.find((m) => m.feature === 'lemma' && m.metric === 'kl' && m.against === 'reference')!;
    expect(lemmaKl.value).toBeGreaterThan(lemmaKl.retrain!);
    expect(report.metrics.some((m) => m.against === 'previous')).toBe(true);
    expect(report.top_movers[0].feature).toBe('lemma');
    const tense = report.histograms.find((h) => h.feature === 'tense')!.buckets.find((b) => b.bucket === 'past_participle')!;
    expect(tense.current).toBeGreaterThan(tense.reference!);

    const queue = new Queue(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
    try {
      const job = await queue.getJob(report.id);
      expect(job).toBeDefined();
      const result = (await job!.waitUntilFinished(retrainEvents, 60_000)) as RetrainResult;
      expect(result.corpus_items_from_window).toBeGreaterThan(1000);
      const candidate = await new HttpRegistryClient(registry.url).getVersion(MODEL, result.candidate.digest);
      expect(candidate.lineage.params?.drift_report_id).toBe(report.id);
      expect(candidate.lineage.parent_digest).toBe(digest);
      expect(candidate.lineage.data.map((d) => d.name)).toEqual(['corpus', `drift-window:${report.window.id}`]);
      expect(candidate.digest).not.toBe(digest);
      const prod = await fetch(`${registry.url}/v1/models/${MODEL}/versions/production`);
      expect(prod.status).toBe(404); // never promoted by this path
    } finally {
      await queue.close();
    }
    expect(requested).toEqual([expect.objectContaining({ report_id: report.id, model: MODEL, digest })]);
    // Closing the same window again changes nothing; a report lists and renders as HTML.
    const again = await app.get(WindowService).close(report.window.id);
    expect(again.map((r) => [r.id, r.decision, r.created_at])).toEqual([[report.id, 'retrain', report.created_at]]);
    expect(await queue2Count(report.id)).toBe(1);
    const list = await http().inject({ method: 'GET', url: `/v1/drift/reports?model=${MODEL}&limit=2` });
    expect(list.json().reports.map((r: WorkerReport) => r.id)).toEqual([report.id, expect.any(String)]);
    const html = await http().inject({ method: 'GET', url: `/v1/drift/reports/${report.id}`, headers: { accept: 'text/html' } });
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toMatch(/<svg[^>]*aria-label="lemma reference vs current"/);
    expect(html.body).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const missing = await http().inject({ method: 'GET', url: '/v1/drift/reports/nope' });
    expect(missing.statusCode).toBe(404);
    expect(requested).toHaveLength(1);
    sub.unsubscribe();
  }, 120_000);
});
