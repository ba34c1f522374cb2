import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@lynx/platform';
import { AliasesModule } from './aliases/aliases.module';
import { AuditModule } from './audit/audit.module';
import { BaselinesModule } from './baselines/baselines.module';
import { BlobsModule } from './blobs/blobs.module';
import { EvaluationsModule } from './evaluations/evaluations.module';
import { EventsModule } from './events/events.module';
import { LineageModule } from './lineage/lineage.module';
import { MlflowMirrorModule } from './mlflow/mlflow-mirror.module';
import { RpcModule } from './rpc/rpc.module';
import { STORE_OVERRIDES, StoreModule } from './store/store.module';
import { TrafficModule } from './traffic/traffic.module';
import { UsageModule } from './usage/usage.module';
import { VersionsModule } from './versions/versions.module';

export interface RegistryModuleOptions {
  env?: NodeJS.ProcessEnv;
  config?: PlatformOptions['config'];
  /** PostgreSQL schema of this instance (tests). */
  databaseSchema?: string;
}

@Module({})
export class RegistryAppModule {
  static forRoot(options: RegistryModuleOptions = {}): DynamicModule {
    return {
      module: RegistryAppModule,
      imports: [
        PlatformModule.forRoot({ app: 'registry', nats: true, streams: ['registry'], env: options.env, config: options.config }),
        StoreModule,
        EventsModule,
        BlobsModule,
        VersionsModule,
        AliasesModule,
        AuditModule,
        EvaluationsModule,
        BaselinesModule,
        UsageModule,
        TrafficModule,
        RpcModule,
        LineageModule,
        MlflowMirrorModule.forRoot(options.env),
      ],
      providers: [{ provide: STORE_OVERRIDES, useValue: options.databaseSchema ? { schema: options.databaseSchema } : {} }],
      exports: [STORE_OVERRIDES],
    };
  }
}
