import { Module } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { EventPublisher } from '@lynx/platform';
import { QUEUES } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { DocStore } from '../store/doc-store';
import { WindowStore } from '../store/window-store';
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
      inject: [WindowStore, DocStore, DRIFT_CONFIG, EventPublisher, getQueueToken(QUEUES.retrain)],
      useFactory: (w: WindowStore, d: DocStore, c: DriftConfig, p: EventPublisher, q: Queue) => new WindowService(w, d, c, p, q),
    },
    WindowProcessor,
    WindowScheduler,
  ],
  exports: [WindowService, WindowScheduler],
})
export class WindowsModule {}
