// kill -9 of the drift worker mid-ingest, then a restart on the same durable consumer: the
// batches it had counted but not acked come back from JetStream, and the window's counts still
// equal a replay of the events (redelivery never counts twice).
import { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { redisOptions } from '@lynx/platform';
import { TEST_NATS_URL, TEST_REDIS_URL, makeTempDir, killMidStream, spawnLynxApp, testNamespace, type LynxAppProcess, type TestNamespace } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { loadModel, readItems, runTraining, type TutorModel } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { IngestPipeline } from './ingest/ingest-pipeline';
import { buildProfile } from './profiles/profile';
import type { WindowAggregate } from './reports/window-aggregate';
import { DocStore } from './store/doc-store';
import { WindowStore, member } from './store/window-store';
import { natsConnect, publishAll, trafficEvents } from './test-support';

jest.setTimeout(120_000);

const DIGEST = `sha256:${'f'.repeat(64)}`;
const M = member('grammar-tutor', DIGEST);
const TOTAL = 1500;
const CONSUMER = 'drift-crash';
const OPTS = { dedupTtlMs: 3_600_000, reservoir: 1000, textReservoir: 2000, maxCategories: 1000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const counts = (a: WindowAggregate) => ({ count: a.count, flags: a.flags, categorical: a.categorical, bins: a.bins });

describe('drift worker: kill -9 mid-ingest', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let redis: Redis;
  let tutor: TutorModel;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let worker: LynxAppProcess | undefined;

  beforeAll(async () => {
    ns = testNamespace('driftk');
    await ns.createStreams();
    nc = await natsConnect(TEST_NATS_URL);
    redis = new Redis(redisOptions(TEST_REDIS_URL));
    tmp = await makeTempDir('lynx-drift-crash-');
    await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: `${tmp.dir}/base` });
    tutor = await loadModel(`${tmp.dir}/base`);
  });

  afterAll(async () => {
    await worker?.kill();
    await nc?.close();
    redis?.disconnect();
    await ns?.cleanup();
    await tmp?.cleanup();
  });

  it('counts each event once across the kill: the window equals a replay', async () => {
    const env = { ...ns.env, LYNX_DRIFT_SCHEDULE: 'false', LYNX_DRIFT_CONSUMER: CONSUMER, LYNX_DRIFT_ACK_WAIT_MS: '2000', LYNX_DRIFT_BATCH_SIZE: '25' };
    const profile = buildProfile({ model: 'grammar-tutor', digest: DIGEST, data: { name: 'corpus', digest: DIGEST }, items: await readItems(CORPUS_DIR) });
    const docs = new DocStore(redis, ns.names.redisKey('drift'));
    await docs.putProfile(profile);
    const windows = new WindowStore(redis, ns.names.redisKey('drift'), OPTS);
    worker = await spawnLynxApp('drift-worker', env);
    const wid = (await windows.currentWindow()).id;
    const countNow = async () => (await windows.readAggregate(wid, M)).count;

    const events = trafficEvents({ seed: 31, count: TOTAL, digest: DIGEST, tutor });
    const publish = (from: number, to: number) => publishAll(nc, ns.names.subject(SUBJECTS.inferenceCompleted), events.slice(from, to), (e) => (e as { event_id: string }).event_id);
    const atKill = await killMidStream({ publish, counted: countNow, kill: () => worker!.kill(), total: TOTAL });
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(TOTAL);

    worker = await spawnLynxApp('drift-worker', env);
    const jsm = await nc.jetstreamManager();
    const stream = ns.names.stream('inference').name;
    for (let i = 0; i < 600; i++) {
      const info = await jsm.consumers.info(stream, CONSUMER);
      if ((await countNow()) >= TOTAL && info.num_pending === 0 && info.num_ack_pending === 0) break;
      await sleep(100);
    }
    const after = await windows.readAggregate(wid, M);
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    const duplicates = Number(/^lynx_drift_events_total\{outcome="duplicate"[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0);

    const replayPrefix = `${ns.namespace}:replay`;
    const replayDocs = new DocStore(redis, replayPrefix);
    await replayDocs.putProfile(profile);
    const replayStore = new WindowStore(redis, replayPrefix, OPTS);
    const pipeline = new IngestPipeline(replayStore, replayDocs);
    const encoder = new TextEncoder();
    let replayWid = '';
    for (let i = 0; i < events.length; i += 500) {
      replayWid = (await pipeline.process(events.slice(i, i + 500).map((e) => encoder.encode(JSON.stringify(e))))).windowId ?? replayWid;
    }
    const replay = await replayStore.readAggregate(replayWid, M);
    expect(after.count).toBe(TOTAL);
    expect(counts(after)).toEqual(counts(replay));
    console.log(JSON.stringify({ chaos: 'drift kill -9', published: TOTAL, countedAtKill: atKill, counted: after.count, redeliveredDuplicates: duplicates, equal: true }));
  });
});
