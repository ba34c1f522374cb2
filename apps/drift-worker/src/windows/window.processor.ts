import { Inject } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { QUEUES } from '@lynx/schema';
import { TriggerService, type FiredTrigger } from '../triggers/trigger.service';
import { WindowService } from './window.service';

export interface CloseJobResult {
  window_id: string;
  reports: Array<{ id: string; model: string; digest: string; decision: string; count: number }>;
}

/** Job options of a close job: the id is the window id, so closing a window is enqueued once. */
export const closeJobOptions = (windowId: string) => ({
  jobId: windowId,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
});

/**
 * `tick` (the repeatable job, every window length) enqueues `close` for the window open at that
 * moment; `close` runs WindowService.close; `schedule` (the retrain cron) runs the schedule trigger. Both are idempotent: a re-run of a tick finds the
 * close job already there, a re-run of a close returns the stored reports.
 */
@Processor(QUEUES.driftWindows)
export class WindowProcessor extends WorkerHost {
  constructor(
    @Inject(WindowService) private readonly windows: WindowService,
    @InjectQueue(QUEUES.driftWindows) private readonly queue: Queue,
    @Inject(TriggerService) private readonly triggers: TriggerService,
  ) {
    super();
  }

  async process(job: Job<{ window_id?: string }>): Promise<CloseJobResult | { enqueued: string } | { fired: FiredTrigger[] }> {
    // The schedule trigger's cron job (LYNX_DRIFT_RETRAIN_CRON).
    if (job.name === 'schedule') return { fired: await this.triggers.scheduleTick() };
    if (job.name === 'tick') {
      const id = await this.windows.currentWindowId();
      await this.queue.add('close', { window_id: id }, closeJobOptions(id));
      return { enqueued: id };
    }
    const id = job.data.window_id as string;
    const reports = await this.windows.close(id);
    return {
      window_id: id,
      reports: reports.map((r) => ({ id: r.id, model: r.model, digest: r.digest, decision: r.decision, count: r.count })),
    };
  }
}
