import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { QueueEvents, type Queue } from 'bullmq';
import { LYNX_CONFIG, LynxNames, closeQueueEvents, redisOptions, type LynxConfig } from '@lynx/platform';
import { QUEUES } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { WindowStore } from '../store/window-store';
import type { CloseJobResult } from './window.processor';
import { closeJobOptions } from './window.processor';
import { WindowService } from './window.service';

export const WINDOW_TICK_SCHEDULER = 'drift-window-tick';
export const RETRAIN_CRON_SCHEDULER = 'drift-retrain-schedule';

/** Registers the repeatable window tick and closes windows on demand (POST /v1/drift/windows/close). */
@Injectable()
export class WindowScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private events?: QueueEvents;

  constructor(
    @InjectQueue(QUEUES.driftWindows) private readonly queue: Queue,
    @Inject(WindowService) private readonly windows: WindowService,
    @Inject(DRIFT_CONFIG) private readonly config: DriftConfig,
    @Inject(LYNX_CONFIG) private readonly lynx: LynxConfig,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(WindowStore) store: WindowStore,
  ) {
    // The job schedulers live in Redis too: a Redis that lost its data lost them.
    store.onRecovered(() => void this.schedule().catch(() => undefined));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.windows.currentWindowId();
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    if (this.config.schedule) {
      await this.queue.upsertJobScheduler(WINDOW_TICK_SCHEDULER, { every: this.config.windowMs }, { name: 'tick', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    } else {
      await this.queue.removeJobScheduler(WINDOW_TICK_SCHEDULER);
    }
    // The schedule retrain trigger: BullMQ runs the cron; the job only evaluates scheduleTrigger,
    // whose occurrence-based job id and cooldown keep one retrain per occurrence.
    const cron = this.config.triggers.schedule.cron;
    if (cron) {
      await this.queue.upsertJobScheduler(RETRAIN_CRON_SCHEDULER, { pattern: cron, tz: 'UTC' }, { name: 'schedule', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    } else {
      await this.queue.removeJobScheduler(RETRAIN_CRON_SCHEDULER);
    }
  }

  /** Closes the open window through its job (job id = window id) and waits for the reports. */
  async closeNow(timeoutMs = 60_000): Promise<CloseJobResult> {
    if (!this.events) {
      this.events = new QueueEvents(QUEUES.driftWindows, { connection: redisOptions(this.lynx.redisUrl), prefix: this.names.bullPrefix });
      await this.events.waitUntilReady();
    }
    const id = await this.windows.currentWindowId();
    const job = await this.queue.add('close', { window_id: id }, closeJobOptions(id));
    return (await job.waitUntilFinished(this.events, timeoutMs)) as CloseJobResult;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.events) await closeQueueEvents(this.events);
  }
}
