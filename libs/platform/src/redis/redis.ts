import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import type { DynamicModule } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { LynxConfig } from '../config/config';
import { LYNX_CONFIG } from '../config/config.constants';
import type { LynxLogger } from '../logger/lynx-logger';
import { LynxNames } from '../nats/names';
import { BullShutdown } from './bull-shutdown';

/** Nest provider token of the app's ioredis client. */
export const REDIS_CLIENT = 'LYNX_REDIS_CLIENT';
export const InjectRedis = (): ParameterDecorator => Inject(REDIS_CLIENT);

/** ioredis options from a redis:// URL. BullMQ requires maxRetriesPerRequest: null. */
export function redisOptions(redisUrl: string): RedisOptions {
  const u = new URL(redisUrl);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // A socket that never connected emits no second 'close'; don't hold shutdown 2 s for it.
    disconnectTimeout: 200,
    // Keep retrying forever, capped at 2 s between tries; readiness reports the outage.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  };
}

export function createRedisClient(config: LynxConfig, logger: LynxLogger): Redis {
  const client = new Redis({ ...redisOptions(config.redisUrl), connectionName: `lynx-${config.app}` });
  let lastWarn = 0;
  client.on('error', (err: Error) => {
    // ioredis emits on every retry; one line per 10 s is enough.
    if (Date.now() - lastWarn > 10_000) {
      lastWarn = Date.now();
      logger.warn({ msg: 'redis error', err: err.message }, 'Redis');
    }
  });
  return client;
}

/** Readiness probe: the client connects (or is connected) and PING answers within timeoutMs. */
export async function checkRedis(client: Redis, timeoutMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    await Promise.race([
      (async () => {
        // Not queueing PINGs while down: wait for the connection, then ask.
        if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', (onReady = resolve)));
        await client.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis ${client.status}: no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onReady) client.off('ready', onReady);
  }
}

/** Closes the Redis client after HTTP has stopped (OnApplicationShutdown runs after the server closes). */
export class RedisCloser implements OnApplicationShutdown {
  constructor(private readonly client: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'end') return;
    // QUIT on a client that is not connected would wait for a reconnect that may never come.
    if (this.client.status !== 'ready') return this.client.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Module({})
class LynxBullModule {}

/**
 * BullModule.forRootAsync wired to the app's config: its own connections (BullMQ workers need
 * blocking connections) and the namespace's key prefix; and BullShutdown, which closes the
 * workers without waiting forever on a Redis that is reconnecting or gone. Import next to
 * PlatformModule.forRoot.
 */
export function lynxBullModule(): DynamicModule {
  return {
    module: LynxBullModule,
    imports: [
      BullModule.forRootAsync({
        inject: [LYNX_CONFIG, LynxNames],
        useFactory: (config: LynxConfig, names: LynxNames) => ({
          connection: redisOptions(config.redisUrl),
          prefix: names.bullPrefix,
        }),
      }),
      DiscoveryModule,
    ],
    providers: [BullShutdown],
  };
}
