// Closing BullMQ's workers and QueueEvents while their Redis clients are reconnecting: BullMQ alone
// waits forever for an 'end' that never comes (bullmq#4656); these must return.
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueEvents, Worker } from 'bullmq';
import { createLynxApp } from '../app/create-app';
import { PlatformModule } from '../platform.module';
import { startRedisServer, testNamespace, type RedisServerProcess } from '../testing';
import { closeQueueEvents, closeWorker } from './bull-shutdown';
import { lynxBullModule, redisOptions } from './redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a worker emitted 'closed' (its `closed` flag is protected). */
function closedFlag(w: Worker): { closed: boolean } {
  const flag = { closed: false };
  w.once('closed', () => (flag.closed = true));
  return flag;
}

/** Settles with what `p` gave, or 'still waiting' after `ms`: a hang fails the test with a message, not a timeout. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const QUEUE = 'bull-shutdown';

@Processor(QUEUE)
class NoopProcessor extends WorkerHost {
  async process(): Promise<void> {}
}

describe('closing BullMQ while Redis reconnects', () => {
  let redis: RedisServerProcess;

  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await redis.cleanup();
  });

  /** Kills Redis and waits until the client is between reconnect attempts. */
  async function outage(): Promise<void> {
    await redis.kill();
    await sleep(1500);
  }

  it('a worker closes gracefully when Redis returns within the grace, and forced when it does not', async () => {
    const connection = redisOptions(redis.url);
    const back = new Worker('q1', async () => undefined, { connection });
    const gone = new Worker('q2', async () => undefined, { connection });
    for (const w of [back, gone]) w.on('error', () => undefined);
    await Promise.all([back.waitUntilReady(), gone.waitUntilReady()]);
    await sleep(200);
    const [backClosed, goneClosed] = [closedFlag(back), closedFlag(gone)];
    await outage();
    expect((await back.backend.blockingClient!).status).toBe('reconnecting');

    // Redis comes back 300 ms into the close: the close waits for the reconnect and is graceful.
    const closing = closeWorker(back, 5000);
    await sleep(300);
    await redis.start();
    expect(await within(closing, 10_000)).toBe('graceful');
    expect(backClosed.closed).toBe(true);

    // Redis gone for good: forced once the grace has passed.
    await outage();
    expect(await within(closeWorker(gone, 500), 10_000)).toBe('forced');
    expect(goneClosed.closed).toBe(true);
  });

  it('a QueueEvents closes gracefully after a reconnect and is let go when Redis stays down', async () => {
    const connection = redisOptions(redis.url);
    const back = new QueueEvents('q1', { connection });
    const gone = new QueueEvents('q2', { connection });
    for (const e of [back, gone]) e.on('error', () => undefined);
    await Promise.all([back.waitUntilReady(), gone.waitUntilReady()]);
    await outage();

    const closing = closeQueueEvents(back, 5000);
    await sleep(300);
    await redis.start();
    expect(await within(closing, 10_000)).toBe('graceful');

    await outage();
    const client = await gone.backend.client;
    expect(await within(closeQueueEvents(gone, 500), 10_000)).toBe('forced');
    // Disconnected: its reconnect timer is cleared, so it stays away even once Redis is back
    // (a client still retrying connects within redisOptions' 2 s cap) and keeps no process alive.
    await redis.start();
    await sleep(3000);
    expect(client.status).not.toBe('ready');
  });

  it("an app with a processor closes while Redis is down, and within the grace when it is back", async () => {
    for (const returns of [true, false]) {
      const ns = testNamespace('bullclose', { LYNX_REDIS_URL: redis.url });
      @Module({
        imports: [PlatformModule.forRoot({ app: 'drift-worker', env: ns.env, redis: true }), lynxBullModule(), BullModule.registerQueue({ name: QUEUE })],
        providers: [NoopProcessor],
      })
      class RootModule {}
      const app = await createLynxApp(RootModule, 'drift-worker');
      await app.init();
      const worker = app.get(NoopProcessor).worker;
      await worker.waitUntilReady();
      const flag = closedFlag(worker);
      await outage();
      const closing = app.close();
      if (returns) {
        await sleep(300);
        await redis.start();
      }
      expect(await within(closing.then(() => 'closed'), 15_000)).toBe('closed');
      expect(flag.closed).toBe(true);
    }
  });
});
