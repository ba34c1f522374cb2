import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSONCodec, type NatsConnection } from 'nats';
import { TEST_NATS_URL, makeTempDir, testNamespace, type TestNamespace } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { readItems, runTraining, loadModel, type TutorModel } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { createDriftApp } from '../drift-app';
import { buildProfile } from '../profiles/profile';
import { DocStore } from '../store/doc-store';
import { WindowStore, member } from '../store/window-store';
import { natsConnect, publishAll, trafficEvents } from '../test-support';
import { ConsumerRunner } from './consumer-runner';
import type { BatchOutcome } from './ingest-pipeline';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const M = member('grammar-tutor', DIGEST);

/** Resolves once `predicate` holds after a batch of the app's consumer. */
function afterBatches(app: NestFastifyApplication, predicate: (o: BatchOutcome) => boolean | Promise<boolean>): Promise<void> {
  const consumer = app.get(ConsumerRunner).consumer!;
  return new Promise((resolve) => {
    const on = async (o: BatchOutcome) => {
      if (await predicate(o)) {
        consumer.off('batch', on);
        resolve();
      }
    };
    consumer.on('batch', on);
  });
}

describe('drift worker ingestion (NATS + Redis)', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let tutor: TutorModel;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const apps: NestFastifyApplication[] = [];
  const env = () => ({ ...ns.env, LYNX_DRIFT_SCHEDULE: 'false', LYNX_DRIFT_CONSUMER: 'drift-ingest-test', LYNX_DRIFT_ACK_WAIT_MS: '1000' });

  beforeAll(async () => {
    ns = testNamespace('drifti');
    await ns.createStreams();
    nc = await natsConnect(TEST_NATS_URL);
    tmp = await makeTempDir('lynx-drift-');
    await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: `${tmp.dir}/base` });
    tutor = await loadModel(`${tmp.dir}/base`);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await nc.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  it('counts each event once whatever is redelivered or duplicated, dead-letters bad events, and loses nothing across a crash', async () => {
    // A profile for the digest, so the events are binned and not counted as unknown.
    const profile = buildProfile({ model: 'grammar-tutor', digest: DIGEST, data: { name: 'corpus', digest: DIGEST }, items: await readItems(CORPUS_DIR) });
    const subject = ns.names.subject(SUBJECTS.inferenceCompleted);
    const events = trafficEvents({ seed: 11, count: 1200, digest: DIGEST, tutor });

    // 1. A worker that "crashes" after aggregating its first batch and before acking it.
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    let first = true;
    const app1 = await createDriftApp({
      env: env(),
      beforeAck: () => {
        if (!first) return;
        first = false;
        crashed();
        throw new Error('simulated crash before ack');
      },
    });
    apps.push(app1);
    await app1.get(DocStore).putProfile(profile);
    await publishAll(nc, subject, events.slice(0, 600), (e) => (e as { event_id: string }).event_id);
    await crash;
    await app1.close();

    // 2. Restarted with the same durable consumer: the unacked batch comes back, the rest follows.
    const app2 = await createDriftApp({ env: env() });
    apps.push(app2);
    const windows = app2.get(WindowStore);
    const wid = (await windows.currentWindow()).id;
    const counted = (n: number) => afterBatches(app2, async () => (await windows.readAggregate(wid, M)).count >= n);
    const done600 = counted(600);
    await done600;
    const afterFirst = await windows.readAggregate(wid, M);
    expect(afterFirst.count).toBe(600);

    // 3. The same 600 events again (new Nats-Msg-Ids, so JetStream keeps them) plus the other 600
    //    and two bad events: the first 600 change nothing.
    const deadLetters: string[] = [];
    const sub = nc.subscribe(ns.names.subject(SUBJECTS.inferenceDeadLetter));
    void (async () => {
      for await (const m of sub) deadLetters.push((JSONCodec().decode(m.data) as { reason: string }).reason);
    })();
    const bad = [{ event_id: randomUUID(), model: 'grammar-tutor' }, new TextEncoder().encode('not json at all')];
    let duplicates = 0;
    const seenAll = afterBatches(app2, async (o) => {
      duplicates += o.duplicates;
      return (await windows.readAggregate(wid, M)).count >= 1200 && duplicates >= 600 && deadLetters.length >= 2;
    });
    await publishAll(nc, subject, events.slice(0, 600), (_e, i) => `dup-${i}`);
    await publishAll(nc, subject, events.slice(600), (e) => (e as { event_id: string }).event_id);
    await publishAll(nc, subject, bad, (_e, i) => `bad-${i}`);
    await seenAll;
    sub.unsubscribe();

    const agg = await windows.readAggregate(wid, M);
    expect(agg.count).toBe(1200);
    const tenses = Object.values(agg.categorical.tense).reduce((a, b) => a + b, 0);
    expect(tenses).toBe(1200);
    expect(agg.bins.input_tokens?.reduce((a, b) => a + b, 0)).toBe(1200);
    expect(agg.samples.input_tokens).toHaveLength(1000); // reservoir bound, not event count
    expect(agg.flags.unknown_digest ?? 0).toBe(0);
    expect(deadLetters.some((r) => /schema/.test(r))).toBe(true);
    expect(deadLetters.some((r) => /not JSON/.test(r))).toBe(true);
  }, 180_000);

  it('counts events of a digest without a reference profile as unknown_digest', async () => {
    const app = apps[apps.length - 1];
    const windows = app.get(WindowStore);
    const other = `sha256:${'b'.repeat(64)}`;
    const events = trafficEvents({ seed: 12, count: 50, digest: other, tutor });
    const wid = (await windows.currentWindow()).id;
    const done = afterBatches(app, async () => (await windows.readAggregate(wid, member('grammar-tutor', other))).count >= 50);
    await publishAll(nc, ns.names.subject(SUBJECTS.inferenceCompleted), events, (e) => (e as { event_id: string }).event_id);
    await done;
    expect((await windows.readAggregate(wid, member('grammar-tutor', other))).flags.unknown_digest).toBe(50);
  }, 30_000);
});
