import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { NatsConnection } from 'nats';
import { triggerJobId } from '@lynx/gate';
import { redisOptions } from '@lynx/platform';
import { TEST_NATS_URL, TEST_REDIS_URL, makeTempDir, startRegistryChild, testNamespace, type RegistryChild, type TestNamespace } from '@lynx/platform/testing';
import { QUEUES, SUBJECTS, type FeedbackEvent, type InferenceEvent } from '@lynx/schema';
import { bundleManifest } from '@lynx/bundle';
import { createDriftApp } from './drift-app';
import { HttpRegistryClient } from './registry/registry-client';
import { FeedbackStore } from './triggers/feedback-store';
import { WindowStore, member } from './store/window-store';
import { natsConnect, publishAll } from './test-support';

const MODEL = 'grammar-tutor';
jest.setTimeout(90_000);

// The performance, volume and schedule retrain triggers with the real worker, registry, NATS and
// Redis: each fires once (one retrain job, id naming what fired it) and its cooldown holds it in
// the next window. The retrain itself is covered by retrain.int.spec.ts; here the version names
// no known variant, so its retrain jobs stop at once and only the queued jobs are looked at.
describe('retrain triggers: performance, volume, schedule', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let registry: RegistryChild;
  let app: NestFastifyApplication;
  let digest: string;
  let queue: Queue;

  beforeAll(async () => {
    ns = testNamespace('drifttr');
    await ns.createStreams();
    nc = await natsConnect(TEST_NATS_URL);
    tmp = await makeTempDir('lynx-drift-triggers-');
    registry = await startRegistryChild({ prefix: 'drifttrr', roles: [] });
    await writeFile(`${tmp.dir}/weights.bin`, 'not a model');
    const client = new HttpRegistryClient(registry.url);
    digest = (await client.register(MODEL, { dir: tmp.dir, files: (await bundleManifest(tmp.dir)).files, lineage: { data: [], params: { variant: 'none' } } })).digest;
    // Its gate evaluation: 95 % accuracy.
    const bucket = { accuracy: 0.95, n: 1000, passed: 950 };
    const res = await registry.call('POST', `/v1/models/${MODEL}/versions/${digest}/evaluations`, {
      model_digest: digest,
      eval_set_digest: `sha256:${'e'.repeat(64)}`,
      overall: bucket,
      buckets: { 'tense.past_simple': bucket },
      created_at: new Date().toISOString(),
    });
    expect(res.status).toBe(201);
    app = await createDriftApp({
      env: {
        ...ns.env,
        LYNX_REGISTRY_URL: registry.url,
        LYNX_DRIFT_SCHEDULE: 'false',
        LYNX_DRIFT_CONSUMER: 'drift-triggers',
        LYNX_DRIFT_RETRAIN_DIR: `${tmp.dir}/retrain`,
        LYNX_DRIFT_PERF_MIN_JUDGED: '100',
        LYNX_DRIFT_PERF_COOLDOWN_MS: '3600000',
        LYNX_DRIFT_VOLUME_THRESHOLD: '150',
        LYNX_DRIFT_VOLUME_COOLDOWN_MS: '3600000',
        LYNX_DRIFT_RETRAIN_CRON: '* * * * * *',
        LYNX_DRIFT_SCHEDULE_COOLDOWN_MS: '3600000',
      },
    });
    queue = new Queue(QUEUES.retrain, { connection: redisOptions(TEST_REDIS_URL), prefix: ns.names.bullPrefix });
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await registry?.stop();
    await nc?.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  /** A few answers (so the version is in the window) and `judged` feedback events, `accepted` of them accepted. */
  async function traffic(judged: number, accepted: number): Promise<void> {
    const now = new Date().toISOString();
    const inference: InferenceEvent[] = Array.from({ length: 5 }, (_, i) => ({
      event_id: randomUUID(), request_id: `r-${randomUUID()}`, time: now, model: MODEL, digest, arm: 'production', role: 'primary',
      input: 'Yesterday he goed home.', output: 'Yesterday he went home.', usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      latency_ms: 5 + i, upstream_latency_ms: 4, status: 'ok',
    }));
    const feedback: FeedbackEvent[] = Array.from({ length: judged }, (_, i) => ({ event_id: randomUUID(), request_id: `r-${i}`, time: now, model: MODEL, digest, accepted: i < accepted }));
    const windows = app.get(WindowStore);
    const wid = (await windows.currentWindow()).id;
    await publishAll(nc, ns.names.subject(SUBJECTS.inferenceCompleted), inference, (e) => (e as { event_id: string }).event_id);
    await publishAll(nc, ns.names.subject(SUBJECTS.inferenceFeedback), feedback, (e) => (e as { event_id: string }).event_id);
    const store = app.get(FeedbackStore);
    let last = { judged: 0, seen: 0, open: wid };
    for (let t = 0; t < 600; t++) {
      const counted = await store.windowCounts(wid, MODEL, digest);
      const seen = (await windows.readAggregate(wid, member(MODEL, digest))).count;
      if (counted.judged >= judged && seen >= 5) return;
      last = { judged: counted.judged, seen, open: (await windows.currentWindow()).id };
      await new Promise((r) => setTimeout(r, 100));
    }
    // Say what was counted where, so a miss on a loaded machine tells slow from misplaced.
    throw new Error(`feedback was not counted in time in ${wid}: ${JSON.stringify(last)} (want ${judged} judged, 5 seen)`);
  }

  async function close(): Promise<string> {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: `/v1/drift/windows/close/${MODEL}` });
    expect(res.statusCode).toBe(200);
    return res.json().window_id as string;
  }

  const jobsOf = async (kind: string) => (await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized'])).filter((j) => j.data.trigger === kind);

  it('each trigger fires once, its job id naming what fired it, then holds through its cooldown', async () => {
    // Window 1: 200 judged, 190 accepted (95 %, as at the gate) → no performance; 200 ≥ 150 → volume.
    await traffic(200, 190);
    const w1 = await close();
    expect(await jobsOf('performance')).toHaveLength(0);
    const volume = await jobsOf('volume');
    expect(volume.map((j) => j.id)).toEqual([expect.stringMatching(new RegExp(`^${triggerJobId('volume', MODEL, digest, w1)}`))]);
    expect(volume[0].data.reason).toMatch(/200 new judged items since the last training >= 150/);
    // The schedule's cron job (every second) fires for the model once it was seen at a close.
    let schedule: Awaited<ReturnType<typeof jobsOf>> = [];
    for (let t = 0; t < 50 && schedule.length === 0; t++) {
      await new Promise((r) => setTimeout(r, 200));
      schedule = await jobsOf('schedule');
    }
    expect(schedule).toHaveLength(1);
    expect(schedule[0].id).toMatch(new RegExp(`^schedule-${MODEL}-${digest.slice(7, 23)}-\\d{4}-\\d\\d-\\d\\dT`));

    // Window 2: 200 judged, 120 accepted (60 % live vs 95 % at the gate) → performance, once.
    await traffic(200, 120);
    const w2 = await close();
    const perf = await jobsOf('performance');
    expect(perf.map((j) => j.id)).toEqual([expect.stringMatching(new RegExp(`^${triggerJobId('performance', MODEL, digest, w2)}`))]);
    expect(perf[0].data).toMatchObject({ model: MODEL, digest, window_id: w2 });
    expect(perf[0].data.reason).toMatch(/live pass rate 60\.0 % over 200 judged vs gate 95\.0 % − 5\.0 pp/);

    // Window 3: the same bad live rate, more volume, several cron ticks: all held by the cooldowns.
    await traffic(200, 100);
    await new Promise((r) => setTimeout(r, 2500));
    await close();
    expect(await jobsOf('performance')).toHaveLength(1);
    expect(await jobsOf('volume')).toHaveLength(1);
    expect(await jobsOf('schedule')).toHaveLength(1);
  });
});
