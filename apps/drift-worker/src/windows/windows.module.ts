import { Module } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { EventPublisher } from '@lynx/platform';
import { QUEUES } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { DocStore } from '../store/doc-store';
import type { RegistryClient } from '../registry/registry-client';
import { REGISTRY_CLIENT } from '../store/store.module';
import { WindowStore } from '../store/window-store';
import { FeedbackRunner } from '../triggers/feedback-runner';
import { FeedbackStore } from '../triggers/feedback-store';
import { TriggerService } from '../triggers/trigger.service';
import { WindowProcessor } from './window.processor';
import { WindowScheduler } from './window-scheduler';
import { WindowService } from './window.service';
import { WindowsController } from './windows.controller';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.driftWindows }, { name: QUEUES.retrain })],
  controllers: [WindowsController],
  providers: [
    {
      provide: WindowService,
      inject: [WindowStore, DocStore, DRIFT_CONFIG, EventPublisher, getQueueToken(QUEUES.retrain), TriggerService],
      useFactory: (w: WindowStore, d: DocStore, c: DriftConfig, p: EventPublisher, q: Queue, t: TriggerService) => new WindowService(w, d, c, p, q, t),
    },
    {
      provide: TriggerService,
      inject: [FeedbackStore, REGISTRY_CLIENT, getQueueToken(QUEUES.retrain), DRIFT_CONFIG],
      useFactory: (f: FeedbackStore, r: RegistryClient, q: Queue, c: DriftConfig) => new TriggerService(f, r, q, c.triggers),
    },
    FeedbackRunner,
    WindowProcessor,
    WindowScheduler,
  ],
  exports: [WindowService, WindowScheduler, TriggerService, FeedbackRunner],
})
export class WindowsModule {}
