import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES } from '@lynx/schema';
import type { EvaluationJobData } from './evaluation-job';
import { type EvaluationOutcome, EvaluationsService } from './evaluations.service';

@Processor(QUEUES.gateEvaluations)
export class EvaluationsProcessor extends WorkerHost {
  constructor(@Inject(EvaluationsService) private readonly evaluations: EvaluationsService) {
    super();
  }

  process(job: Job<EvaluationJobData>): Promise<EvaluationOutcome> {
    return this.evaluations.run(job.data);
  }
}
