// Redis restarted empty under a running drift worker: the open window's aggregates must come back
// equal to a replay of the same event stream, with nothing lost and nothing counted twice.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { redisOptions } from '@lynx/platform';
import { TEST_NATS_URL, makeTempDir, startRedisServer, testNamespace, type RedisServerProcess, type TestNamespace } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { loadModel, readItems, runTraining, type TutorModel } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { createDriftApp } from './drift-app';
import { ConsumerRunner } from './ingest/consumer-runner';
import { IngestPipeline, type BatchOutcome } from './ingest/ingest-pipeline';
import { buildProfile } from './profiles/profile';
import type { WindowAggregate } from './reports/window-aggregate';
import { DocStore } from './store/doc-store';
import { WindowStore, member } from './store/window-store';
import { natsConnect, publishAll, trafficEvents } from './test-support';

jest.setTimeout(120_000);

const DIGEST = `sha256:${'d'.repeat(64)}`;
const M = member('grammar-tutor', DIGEST);
const TOTAL = 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a window's counts say, without the reservoirs (random draws, not counts). */
const counts = (a: WindowAggregate) => ({ count: a.count, flags: a.flags, categorical: a.categorical, bins: a.bins });

describe('drift worker: Redis restarted mid-stream', () => {
  let redis: RedisServerProcess;
  let ns: TestNamespace;
  let nc: NatsConnection;
  let tutor: TutorModel;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    ns = testNamespace('driftc', { LYNX_REDIS_URL: redis.url });
    await ns.createStreams();
    nc = await natsConnect(TEST_NATS_URL);
    tmp = await makeTempDir('lynx-drift-chaos-');
    await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: `${tmp.dir}/base` });
    tutor = await loadModel(`${tmp.dir}/base`);
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await nc?.close();
    // Streams only: the namespace's keys lived in this test's own Redis, which goes with it.
    await ns?.cleanup().catch(() => undefined);
    await redis?.cleanup();
    await tmp?.cleanup();
  });

  it('rebuilds the open window from the stream: counts equal a replay of the events', async () => {
    const profile = buildProfile({ model: 'grammar-tutor', digest: DIGEST, data: { name: 'corpus', digest: DIGEST }, items: await readItems(CORPUS_DIR) });
    const events = trafficEvents({ seed: 21, count: TOTAL, digest: DIGEST, tutor });
    const subject = ns.names.subject(SUBJECTS.inferenceCompleted);
    app = await createDriftApp({ env: { ...ns.env, LYNX_DRIFT_SCHEDULE: 'false', LYNX_DRIFT_CONSUMER: 'drift-chaos', LYNX_DRIFT_ACK_WAIT_MS: '2000' } });
    await app.get(DocStore).putProfile(profile);
    const windows = app.get(WindowStore);
    const wid = (await windows.currentWindow()).id;
    const delivered = { added: 0, duplicates: 0, batches: 0 };
    app.get(ConsumerRunner).consumer!.on('batch', (o: BatchOutcome) => {
      delivered.added += o.added;
      delivered.duplicates += o.duplicates;
      delivered.batches++;
    });
    const countNow = async () => (await windows.readAggregate(wid, M)).count;
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; i < 600; i++) {
        if (await ok()) return;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${what}`);
    };

    // A third counted; then Redis is killed, more events arrive while it is down, and it comes back empty.
    const id = (e: unknown) => (e as { event_id: string }).event_id;
    await publishAll(nc, subject, events.slice(0, 500), id);
    await until('the first 500 counted', async () => (await countNow()) >= 500);
    await redis.kill();
    await publishAll(nc, subject, events.slice(500, 1000), id);
    await sleep(2000);
    await redis.start();
    await publishAll(nc, subject, events.slice(1000), id);

    // Everything acked, and the count stays put (a double count would overshoot TOTAL).
    const jsm = await nc.jetstreamManager();
    const stream = ns.names.stream('inference').name;
    await until('all events counted and acked', async () => {
      const info = await jsm.consumers.info(stream, 'drift-chaos').catch(() => null);
      return (await countNow().catch(() => 0)) >= TOTAL && info !== null && info.num_pending === 0 && info.num_ack_pending === 0;
    });
    const after = await windows.readAggregate(wid, M);

    // The replay: the same events through the same pipeline into a fresh store of their own.
    const client = new Redis(redisOptions(redis.url));
    try {
      const prefix = `${ns.namespace}:replay`;
      const docs = new DocStore(client, prefix);
      await docs.putProfile(profile);
      const store = new WindowStore(client, prefix, { dedupTtlMs: 3_600_000, reservoir: 1000, textReservoir: 2000, maxCategories: 1000 });
      const pipeline = new IngestPipeline(store, docs);
      const encoder = new TextEncoder();
      let replayWid = '';
      for (let i = 0; i < events.length; i += 500) {
        const out = await pipeline.process(events.slice(i, i + 500).map((e) => encoder.encode(JSON.stringify(e))));
        replayWid = out.windowId ?? replayWid;
      }
      const replay = await store.readAggregate(replayWid, M);
      expect(after.count).toBe(TOTAL);
      expect(counts(after)).toEqual(counts(replay));
      expect(after.flags.unknown_digest ?? 0).toBe(0);
      // The figures the chaos suite reports.
      console.log(JSON.stringify({ chaos: 'drift redis restart', published: TOTAL, counted: after.count, replay: replay.count, delivered, equal: true }));
    } finally {
      client.disconnect();
    }
  });
});
