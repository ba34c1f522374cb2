import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PlatformModule, loadUpstreamRules, type PlatformOptions } from '@lynx/platform';
import { AliasesModule } from './aliases/aliases.module';
import { AuditModule } from './audit/audit.module';
import { BaselinesModule } from './baselines/baselines.module';
import { BlobsModule } from './blobs/blobs.module';
import { EvaluationsModule } from './evaluations/evaluations.module';
import { EventsModule } from './events/events.module';
import { LineageModule } from './lineage/lineage.module';
import { MlflowMirrorModule } from './mlflow/mlflow-mirror.module';
import { DomainMetricsModule } from './metrics/metrics.module';
import { RedactUpstreamsInterceptor } from './redaction/redact-upstream.interceptor';
import { RpcModule } from './rpc/rpc.module';
import { STORE_OVERRIDES, StoreModule } from './store/store.module';
import { TrafficModule } from './traffic/traffic.module';
import { UsageModule } from './usage/usage.module';
import { UPSTREAM_RULES } from './versions/tag-policy';
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
        DomainMetricsModule,
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
      // Global so the traffic and versions modules see the upstream rules the router applies too.
      global: true,
      providers: [
        { provide: STORE_OVERRIDES, useValue: options.databaseSchema ? { schema: options.databaseSchema } : {} },
        { provide: UPSTREAM_RULES, useFactory: () => loadUpstreamRules(options.env ?? process.env, 30_000) },
        // Below operator, answers show no upstream URLs (see redaction/).
        { provide: APP_INTERCEPTOR, useClass: RedactUpstreamsInterceptor },
      ],
      exports: [STORE_OVERRIDES, UPSTREAM_RULES],
    };
  }
}
