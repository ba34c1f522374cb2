import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { LINEAGE_EMITTER, LineageEmitter, modelDataset } from '@lynx/platform';
import { QUEUES } from '@lynx/schema';
import type { RetrainJobData } from '../triggers/trigger.service';
import { RetrainService, type RetrainResult } from './retrain.service';

/** Runs retrain jobs (id = drift report id, or triggerJobId for the other triggers) one at a time: training is CPU-bound. */
@Processor(QUEUES.retrain, { concurrency: 1 })
export class RetrainProcessor extends WorkerHost {
  constructor(
    @Inject(RetrainService) private readonly retrain: RetrainService,
    @Inject(LINEAGE_EMITTER) private readonly lineage: LineageEmitter,
  ) {
    super();
  }

  /** One retrain, as an OpenLineage `retrain` run: the trigger's reason in, the candidate out. */
  process(job: Job<RetrainJobData>): Promise<RetrainResult> {
    return this.lineage.run(
      'retrain',
      { details: { job_id: job.id ?? null } },
      () => this.retrain.run(job.data, job.id),
      (r) => ({
        outputs: [modelDataset(r.model, r.candidate.digest)],
        details: { model: r.model, trigger: r.trigger, report_id: r.report_id },
      }),
    );
  }
}
