import { BullModule, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Module } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createLynxApp } from '../app/create-app';
import { PlatformModule } from '../platform.module';
import { LynxNames } from '../nats/names';
import { cleanupNamespace, testNamespace } from '../testing';
import { REDIS_CLIENT, lynxBullModule, redisOptions } from './redis';

const QUEUE = 'platform-test';

@Injectable()
class Done {
  resolve!: (v: string) => void;
  readonly result = new Promise<string>((r) => (this.resolve = r));
}

@Processor(QUEUE)
class EchoProcessor extends WorkerHost {
  constructor(@Inject(Done) private readonly done: Done) {
    super();
  }
  async process(job: Job<{ word: string }>): Promise<string> {
    this.done.resolve(`${job.id}:${job.data.word}`);
    return job.data.word;
  }
}

@Injectable()
class Enqueuer {
  constructor(@InjectQueue(QUEUE) readonly queue: Queue) {}
}

describe('Redis provider and BullMQ wiring', () => {
  it('gives a working client and runs a job under the namespace prefix', async () => {
    const ns = testNamespace('redis');
    @Module({
      imports: [PlatformModule.forRoot({ app: 'drift-worker', env: ns.env, redis: true }), lynxBullModule(), BullModule.registerQueue({ name: QUEUE })],
      providers: [Done, EchoProcessor, Enqueuer],
    })
    class RootModule {}

    const app = await createLynxApp(RootModule, 'drift-worker');
    await app.init();
    try {
      const redis = app.get<Redis>(REDIS_CLIENT);
      const key = app.get(LynxNames).redisKey('probe');
      await redis.set(key, 'ok');
      expect(await redis.get(key)).toBe('ok');

      // Deterministic job id: adding it twice keeps one job.
      const queue = app.get(Enqueuer).queue;
      await queue.add('echo', { word: 'went' }, { jobId: 'window-1' });
      await queue.add('echo', { word: 'goed' }, { jobId: 'window-1' });
      expect(await app.get(Done).result).toBe('window-1:went');
      const keys = await redis.keys(`${ns.namespace}:bull:${QUEUE}:*`);
      expect(keys.length).toBeGreaterThan(0);
      const ready = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/readyz' });
      expect(ready.json().info).toMatchObject({ redis: { status: 'up' } });
    } finally {
      await app.close();
      await cleanupNamespace(ns.namespace);
    }
    // cleanup removed every key of the namespace
    const { Redis: IORedis } = await import('ioredis');
    const check = new IORedis(redisOptions(ns.env.LYNX_REDIS_URL!));
    try {
      expect(await check.keys(`${ns.namespace}:*`)).toEqual([]);
    } finally {
      check.disconnect();
    }
  });

  it('parses redis URLs with credentials and db', () => {
    expect(redisOptions('rediss://u%40x:p%3Aw@h.example:6380/3')).toMatchObject({
      host: 'h.example',
      port: 6380,
      username: 'u@x',
      password: 'p:w',
      db: 3,
      tls: {},
      maxRetriesPerRequest: null,
    });
  });
});
