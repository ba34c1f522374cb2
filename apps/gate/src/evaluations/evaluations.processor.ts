import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { LINEAGE_EMITTER, LineageEmitter, modelDataset } from '@lynx/platform';
import { QUEUES } from '@lynx/schema';
import type { EvaluationJobData } from './evaluation-job';
import { type EvaluationOutcome, EvaluationsService } from './evaluations.service';

@Processor(QUEUES.gateEvaluations)
export class EvaluationsProcessor extends WorkerHost {
  constructor(
    @Inject(EvaluationsService) private readonly evaluations: EvaluationsService,
    @Inject(LINEAGE_EMITTER) private readonly lineage: LineageEmitter,
  ) {
    super();
  }

  /** One evaluation, as an OpenLineage `evaluate` run: the candidate in, the verdict out. */
  process(job: Job<EvaluationJobData>): Promise<EvaluationOutcome> {
    const { model, digest } = job.data;
    return this.lineage.run(
      'evaluate',
      { inputs: [modelDataset(model, digest)], details: { model, job_id: job.id ?? null } },
      () => this.evaluations.run(job.data),
      (o) => ({
        inputs: [modelDataset(model, digest), { namespace: 'lynx-data', name: 'eval-set', version: o.eval_set_digest, type: 'FILE' }],
        outputs: [{ namespace: 'lynx-registry', name: `${model}/verdicts/${o.verdict_id}`, version: o.verdict, type: 'TABLE' }],
        details: { verdict: o.verdict, passed: o.passed, baseline_digest: o.baseline_digest },
      }),
    );
  }
}
