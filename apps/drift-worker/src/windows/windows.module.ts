import { Module } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { EventPublisher, METRICS_REGISTRY } from '@lynx/platform';
import { QUEUES, SUBJECTS, type DriftReport } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { DriftMetrics } from '../metrics/drift-metrics';
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
      inject: [WindowStore, DocStore, DRIFT_CONFIG, EventPublisher, getQueueToken(QUEUES.retrain), TriggerService, METRICS_REGISTRY],
      useFactory: (w: WindowStore, d: DocStore, c: DriftConfig, p: EventPublisher, q: Queue, t: TriggerService, registry: Registry) => {
        // Every report the service publishes also sets the drift gauges.
        const metrics = new DriftMetrics(registry);
        const publisher = {
          publish: (subject: string, payload: unknown, msgId: string) => {
            if (subject === SUBJECTS.driftReport) metrics.record(payload as DriftReport);
            return p.publish(subject, payload, msgId);
          },
        };
        return new WindowService(w, d, c, publisher, q, t);
      },
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
