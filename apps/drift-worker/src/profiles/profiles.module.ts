import { Module } from '@nestjs/common';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { IngestPipeline } from '../ingest/ingest-pipeline';
import type { RegistryClient } from '../registry/registry-client';
import { DocStore } from '../store/doc-store';
import { REGISTRY_CLIENT } from '../store/store.module';
import { ProfileService } from './profile.service';
import { ProfilesController } from './profiles.controller';

@Module({
  controllers: [ProfilesController],
  providers: [
    {
      provide: ProfileService,
      inject: [REGISTRY_CLIENT, DocStore, IngestPipeline, DRIFT_CONFIG],
      useFactory: (r: RegistryClient, d: DocStore, p: IngestPipeline, c: DriftConfig) => new ProfileService(r, d, p, c.dataRoot),
    },
  ],
})
export class ProfilesModule {}
