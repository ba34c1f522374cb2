import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { AppName, StreamKey } from '@lynx/schema';
import { AuthGuard, OIDC_VERIFIER, TOKEN_STORE } from './auth/auth.guard';
import { OidcVerifier } from './auth/oidc-verifier';
import { TokenStore } from './auth/token-store';
import { TokensFileWatcher } from './auth/tokens-file-watcher';
import { loadConfig, type LynxConfig } from './config/config';
import { LYNX_CONFIG } from './config/config.constants';
import { LINEAGE_EMITTER, LineageEmitter } from './lineage/lineage-emitter';
import { LynxExceptionFilter } from './errors/lynx-exception.filter';
import { HealthModule } from './health/health.module';
import { ReadinessRegistry } from './health/readiness-registry';
import { LynxLogger, createPinoLogger } from './logger/lynx-logger';
import { DEFAULT_METRICS, METRICS_REGISTRY, createMetricsRegistry } from './metrics/metrics.constants';
import { startDefaultMetrics } from './metrics/default-metrics';
import { MetricsModule } from './metrics/metrics.module';
import { EventPublisher } from './nats/event-publisher.service';
import { LynxNames, type StreamSpec } from './nats/names';
import { NatsRpc } from './nats/nats-rpc.service';
import { NatsService } from './nats/nats.service';
import { REDIS_CLIENT, RedisCloser, checkRedis, createRedisClient } from './redis/redis';

export interface PlatformOptions {
  app: AppName;
  /** Connect to NATS, ensure `streams`, provide NatsService and EventPublisher, add `nats` to /readyz. */
  nats?: boolean;
  /** Connect to Redis, provide REDIS_CLIENT, add `redis` to /readyz. */
  redis?: boolean;
  /** Streams to create if missing: keys of STREAMS (mapped into the namespace) or explicit specs. */
  streams?: Array<StreamKey | StreamSpec>;
  /** Environment to read instead of process.env (tests). */
  env?: NodeJS.ProcessEnv;
  /** Values that win over the environment (tests: namespace, tokensFile, …). */
  config?: Partial<Omit<LynxConfig, 'app'>>;
}

/**
 * Everything a Lynx app shares, wired once: config, logger, /healthz /readyz /metrics,
 * auth guard, error filter, and optionally NATS/JetStream and Redis. Global: import it once
 * in the app's root module.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: LYNX_CONFIG, useFactory: () => ({ ...loadConfig(options.app, options.env), ...options.config, app: options.app }) },
      { provide: LynxLogger, inject: [LYNX_CONFIG], useFactory: (c: LynxConfig) => new LynxLogger(createPinoLogger(c)) },
      { provide: LynxNames, inject: [LYNX_CONFIG], useFactory: (c: LynxConfig) => new LynxNames(c.namespace) },
      { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(options.app) },
      // Stopped on app.close(): see startDefaultMetrics.
      { provide: DEFAULT_METRICS, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => startDefaultMetrics(registry) },
      { provide: ReadinessRegistry, useFactory: () => new ReadinessRegistry() },
      {
        provide: TOKEN_STORE,
        inject: [LYNX_CONFIG, LynxLogger],
        useFactory: (c: LynxConfig, logger: LynxLogger) => {
          if (c.tokensFile) return TokenStore.fromFile(c.tokensFile);
          logger.warn(
            `AUTH IS OFF: no LYNX_TOKENS_FILE and LYNX_ENV=${c.env}, so every request acts as admin. Set LYNX_TOKENS_FILE before exposing ${c.app}.`,
            'Auth',
          );
          return null;
        },
      },
      {
        // Services pick up `lynx token create`/`revoke` without a restart; closed on app.close().
        provide: TokensFileWatcher,
        inject: [LYNX_CONFIG, TOKEN_STORE, LynxLogger, METRICS_REGISTRY],
        useFactory: (c: LynxConfig, store: TokenStore | null, logger: LynxLogger, registry: Registry) =>
          store && c.tokensFile ? TokensFileWatcher.start(c.tokensFile, store, logger, registry, { initial: store.source }) : null,
      },
      { provide: OIDC_VERIFIER, inject: [LYNX_CONFIG], useFactory: (c: LynxConfig) => (c.oidc ? new OidcVerifier(c.oidc) : null) },
      {
        provide: LINEAGE_EMITTER,
        inject: [LYNX_CONFIG, LynxLogger],
        useFactory: (c: LynxConfig, logger: LynxLogger) =>
          new LineageEmitter(c.openLineageUrl, c.namespace, (err) => logger.warn({ msg: 'openlineage event not sent', err: err.message }, 'Lineage')),
      },
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_FILTER, inject: [LynxLogger], useFactory: (logger: LynxLogger) => new LynxExceptionFilter(logger) },
    ];
    const exports: Array<string | symbol | Provider | (abstract new (...args: never[]) => unknown)> = [
      LYNX_CONFIG,
      TOKEN_STORE,
      LINEAGE_EMITTER,
      LynxLogger,
      LynxNames,
      METRICS_REGISTRY,
      ReadinessRegistry,
    ];

    if (options.nats) {
      providers.push(
        {
          provide: NatsService,
          inject: [LYNX_CONFIG, LynxNames, LynxLogger, ReadinessRegistry],
          useFactory: (c: LynxConfig, names: LynxNames, logger: LynxLogger, readiness: ReadinessRegistry) => {
            const streams = (options.streams ?? []).map((s) => (typeof s === 'string' ? names.stream(s) : s));
            const nats = new NatsService({ url: c.natsUrl, name: `lynx-${c.app}`, streams }, logger);
            readiness.register('nats', () => nats.check());
            return nats;
          },
        },
        { provide: EventPublisher, inject: [NatsService, LynxNames], useFactory: (n: NatsService, names: LynxNames) => new EventPublisher(n, names) },
        {
          provide: NatsRpc,
          inject: [NatsService, LynxNames, LYNX_CONFIG],
          useFactory: (n: NatsService, names: LynxNames, c: LynxConfig) => new NatsRpc(n, names, `${c.namespace}-${c.app}`),
        },
      );
      exports.push(NatsService, EventPublisher, NatsRpc);
    }

    if (options.redis) {
      providers.push(
        {
          provide: REDIS_CLIENT,
          inject: [LYNX_CONFIG, LynxLogger, ReadinessRegistry],
          useFactory: (c: LynxConfig, logger: LynxLogger, readiness: ReadinessRegistry) => {
            const client = createRedisClient(c, logger);
            readiness.register('redis', () => checkRedis(client));
            return client;
          },
        },
        { provide: RedisCloser, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisCloser(r) },
      );
      exports.push(REDIS_CLIENT);
    }

    return {
      module: PlatformModule,
      global: true,
      imports: [HealthModule, MetricsModule],
      providers,
      exports,
    };
  }
}
