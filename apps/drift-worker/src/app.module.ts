import { Module, type DynamicModule } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { PlatformModule, lynxBullModule, type LynxConfig } from '@lynx/platform';
import type { DriftConfig } from './config/drift-config';
import { IngestModule } from './ingest/ingest.module';
import { ProfilesModule } from './profiles/profiles.module';
import type { RegistryClient } from './registry/registry-client';
import { ReportsModule } from './reports/reports.module';
import { RetrainModule } from './retrain/retrain.module';
import { DriftStoreModule } from './store/store.module';
import { WindowsModule } from './windows/windows.module';

export interface DriftAppOptions {
  env?: NodeJS.ProcessEnv;
  platform?: Partial<Omit<LynxConfig, 'app'>>;
  config?: Partial<DriftConfig>;
  registry?: RegistryClient;
  /** Test seam: runs between aggregating a batch and acking it. */
  beforeAck?: (batch: readonly JsMsg[]) => Promise<void> | void;
}

@Module({})
export class DriftAppModule {
  static forRoot(options: DriftAppOptions = {}): DynamicModule {
    return {
      module: DriftAppModule,
      imports: [
        PlatformModule.forRoot({ app: 'drift-worker', nats: true, redis: true, streams: ['inference', 'drift'], env: options.env, config: options.platform }),
        lynxBullModule(),
        DriftStoreModule.forRoot({ env: options.env, config: options.config, registry: options.registry }),
        IngestModule.forRoot(options.beforeAck),
        WindowsModule,
        ReportsModule,
        ProfilesModule,
        RetrainModule,
      ],
    };
  }
}
