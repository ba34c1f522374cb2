import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { QUEUES } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import type { RegistryClient } from '../registry/registry-client';
import { DocStore } from '../store/doc-store';
import { REGISTRY_CLIENT } from '../store/store.module';
import { WindowStore } from '../store/window-store';
import { FeedbackStore } from '../triggers/feedback-store';
import { HttpGateEvaluations } from './gate-evaluation-client';
import { RetrainProcessor } from './retrain.processor';
import { RetrainService } from './retrain.service';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.retrain })],
  providers: [
    {
      provide: RetrainService,
      inject: [DocStore, WindowStore, REGISTRY_CLIENT, DRIFT_CONFIG, FeedbackStore],
      useFactory: (d: DocStore, w: WindowStore, r: RegistryClient, c: DriftConfig, f: FeedbackStore) =>
        new RetrainService(d, w, r, c, new HttpGateEvaluations(c.gateUrl, c.token), f),
    },
    RetrainProcessor,
  ],
})
export class RetrainModule {}
