import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LYNX_CONFIG, LynxNames, REDIS_CLIENT, type LynxConfig } from '@lynx/platform';
import { DRIFT_CONFIG, loadDriftConfig, type DriftConfig } from '../config/drift-config';
import { IngestPipeline } from '../ingest/ingest-pipeline';
import { HttpRegistryClient, type RegistryClient } from '../registry/registry-client';
import { DocStore } from './doc-store';
import { FeedbackStore } from '../triggers/feedback-store';
import { WindowStore } from './window-store';

export const REGISTRY_CLIENT = 'LYNX_DRIFT_REGISTRY_CLIENT';

export interface DriftStoreOptions {
  env?: NodeJS.ProcessEnv;
  config?: Partial<DriftConfig>;
  registry?: RegistryClient;
}

/** Config, Redis stores, the ingest pipeline and the registry client, shared by every feature. */
@Global()
@Module({})
export class DriftStoreModule {
  static forRoot(options: DriftStoreOptions = {}): DynamicModule {
    const env = options.env ?? process.env;
    return {
      module: DriftStoreModule,
      providers: [
        { provide: DRIFT_CONFIG, useFactory: () => ({ ...loadDriftConfig(env), ...options.config }) },
        {
          provide: WindowStore,
          inject: [REDIS_CLIENT, LynxNames, DRIFT_CONFIG],
          useFactory: (redis: Redis, names: LynxNames, c: DriftConfig) => new WindowStore(redis, names.redisKey('drift'), { ...c, guardEpoch: true }),
        },
        { provide: DocStore, inject: [REDIS_CLIENT, LynxNames], useFactory: (redis: Redis, names: LynxNames) => new DocStore(redis, names.redisKey('drift')) },
        {
          provide: FeedbackStore,
          inject: [REDIS_CLIENT, LynxNames, DRIFT_CONFIG],
          useFactory: (redis: Redis, names: LynxNames, c: DriftConfig) => new FeedbackStore(redis, names.redisKey('drift'), c.dedupTtlMs),
        },
        { provide: IngestPipeline, inject: [WindowStore, DocStore], useFactory: (w: WindowStore, d: DocStore) => new IngestPipeline(w, d) },
        {
          provide: REGISTRY_CLIENT,
          inject: [LYNX_CONFIG],
          useFactory: (c: LynxConfig) => options.registry ?? new HttpRegistryClient(c.registryUrl, env.LYNX_TOKEN || undefined),
        },
      ],
      exports: [DRIFT_CONFIG, WindowStore, DocStore, FeedbackStore, IngestPipeline, REGISTRY_CLIENT],
    };
  }
}
