import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { GateRegistryClient, type PowerTable, evaluateAgainstBaseline, evaluationVerdict, gatePower, loadGateInputs, pullCandidate } from '@lynx/gate';
import { NotFoundError, QUEUES } from '@lynx/schema';
import { GATE_CONFIG, type GateConfig } from '../config/gate-config';
import { type EvaluationJobData, type EvaluationRequest, evaluationJobId } from './evaluation-job';

export interface EvaluationOutcome {
  verdict_id: string;
  passed: boolean;
  /** pass, fail or inconclusive (only pass may promote). */
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** Gating buckets that failed / could not decide. */
  failing: string[];
  inconclusive: string[];
  candidate_digest: string;
  baseline_digest: string;
  eval_set_digest: string;
  buckets: unknown[];
  /** What the eval set can decide per bucket (the report's power section). */
  power: PowerTable;
}

/** Queues gate evaluations and runs them: the same steps as `lynx gate evaluate`, results kept in the registry. */
@Injectable()
export class EvaluationsService {
  constructor(
    @InjectQueue(QUEUES.gateEvaluations) private readonly queue: Queue<EvaluationJobData, EvaluationOutcome>,
    @Inject(GateRegistryClient) private readonly registry: GateRegistryClient,
    @Inject(GATE_CONFIG) private readonly config: GateConfig,
  ) {}

  /** Resolves the ref, checks the eval set against the baseline now (409 on mismatch), and queues the job. */
  async enqueue(req: EvaluationRequest) {
    const inputs = await loadGateInputs(this.config.evalSet, this.config.baseline);
    const version = await this.registry.version(req.model, req.ref);
    const id = evaluationJobId(version.digest, inputs.baseline.baseline_digest);
    const data: EvaluationJobData = { model: req.model, digest: version.digest, baseline_digest: inputs.baseline.baseline_digest, tolerance: req.tolerance };
    const job = await this.queue.add('evaluate', data, { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false });
    return this.describe(job);
  }

  async get(id: string) {
    const job = await this.queue.getJob(id);
    if (!job) throw new NotFoundError(`evaluation ${id} not found`, { id });
    return this.describe(job);
  }

  private async describe(job: Job<EvaluationJobData, EvaluationOutcome>) {
    return {
      id: job.id,
      state: await job.getState(),
      model: job.data.model,
      candidate_digest: job.data.digest,
      baseline_digest: job.data.baseline_digest,
      result: job.returnvalue ?? null,
      failed_reason: job.failedReason ?? null,
    };
  }

  /** The worker's side: pull, evaluate, compare, and record the evaluation and the verdict (passed or refused). */
  async run(data: EvaluationJobData): Promise<EvaluationOutcome> {
    const inputs = await loadGateInputs(this.config.evalSet, this.config.baseline);
    if (inputs.baseline.baseline_digest !== data.baseline_digest) {
      throw new Error(`the baseline changed since the job was queued (${data.baseline_digest} → ${inputs.baseline.baseline_digest}); queue it again`);
    }
    const pulled = await pullCandidate(this.registry, data.model, data.digest);
    try {
      const e = await evaluateAgainstBaseline(inputs, pulled.dir, pulled.baseDir, data.tolerance);
      const { items: _items, ...numbers } = e.result;
      await this.registry.addEvaluation(data.model, data.digest, numbers);
      const verdict = await this.registry.recordMeasuredVerdict(
        data.model,
        evaluationVerdict(data.model, e),
        e.result.items,
      );
      return {
        verdict_id: verdict.id,
        passed: e.comparison.passed,
        verdict: e.comparison.verdict,
        failing: e.comparison.decision.failing,
        inconclusive: e.comparison.decision.inconclusive,
        candidate_digest: data.digest,
        baseline_digest: data.baseline_digest,
        eval_set_digest: e.result.eval_set_digest,
        buckets: e.comparison.buckets,
        power: gatePower(e, e.comparison.tolerance),
      };
    } finally {
      await pulled.cleanup();
    }
  }
}
