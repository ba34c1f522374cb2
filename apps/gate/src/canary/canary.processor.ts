import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES } from '@lynx/schema';
import { CanaryService, type Measurement } from './canary.service';

@Processor(QUEUES.canaryAnalysis)
export class CanaryProcessor extends WorkerHost {
  constructor(@Inject(CanaryService) private readonly canary: CanaryService) {
    super();
  }

  process(job: Job<{ model: string }>): Promise<Measurement> {
    return this.canary.measure(job.data.model);
  }
}
