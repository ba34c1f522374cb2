import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES } from '@lynx/schema';
import type { RetrainJobData } from '../triggers/trigger.service';
import { RetrainService, type RetrainResult } from './retrain.service';

/** Runs retrain jobs (id = drift report id, or triggerJobId for the other triggers) one at a time: training is CPU-bound. */
@Processor(QUEUES.retrain, { concurrency: 1 })
export class RetrainProcessor extends WorkerHost {
  constructor(@Inject(RetrainService) private readonly retrain: RetrainService) {
    super();
  }

  process(job: Job<RetrainJobData>): Promise<RetrainResult> {
    return this.retrain.run(job.data, job.id);
  }
}
