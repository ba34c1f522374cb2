import { DomainMetrics } from '../metrics/domain-metrics';
import { Inject, Injectable } from '@nestjs/common';
import { LYNX_CONFIG, type LynxConfig, type Principal } from '@lynx/platform';
import { ForbiddenError, NotFoundError, ValidationError, roleAtLeast, type EvalResult, type GateVerdict } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';

export type VerdictRequest = Omit<GateVerdict, 'verdict_id'>;

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(LYNX_CONFIG) private readonly config: LynxConfig,
    @Inject(DomainMetrics) private readonly metrics: DomainMetrics,
  ) {}

  async addEvaluation(model: string, ref: string, result: EvalResult, who: Principal) {
    const version = await this.store.resolve(model, ref);
    if (result.model_digest !== version.digest) {
      throw new ValidationError(`the result is for ${result.model_digest}, not ${version.digest}`, { model_digest: result.model_digest, digest: version.digest });
    }
    return this.store.addEvaluation(
      { model, digest: version.digest, eval_set_digest: result.eval_set_digest, result },
      { actor: who.name, role: who.role },
    );
  }

  /** The gate's decision; in prod only `ci` may record one, elsewhere `trainer` and up. */
  async recordVerdict(model: string, body: VerdictRequest, who: Principal) {
    if (this.config.env === 'prod' ? who.role !== 'ci' : !roleAtLeast(who.role, 'trainer')) {
      throw new ForbiddenError(`role ${this.config.env === 'prod' ? 'ci' : 'trainer'} required to record a verdict`, { role: who.role });
    }
    if (body.model !== model) throw new ValidationError(`the verdict is for model ${body.model}, not ${model}`, { model: body.model });
    const version = await this.store.getVersion(model, body.candidate_digest);
    if (!version) throw new NotFoundError(`version ${body.candidate_digest} of ${model} not found`, { digest: body.candidate_digest });
    // verdict.recorded commits with the verdict (outbox).
    const verdict = await this.store.recordVerdict(
      {
        model,
        digest: body.candidate_digest,
        passed: body.passed,
        bootstrap: body.kind === 'bootstrap',
        baseline_digest: body.baseline_file_digest,
        eval_set_digest: body.eval_set_digest,
        tolerance_pp: body.tolerance_pp,
        buckets: body.buckets,
      },
      { actor: who.name, role: who.role },
    );
    this.metrics.verdicts.inc({ model, kind: body.kind, outcome: body.passed ? 'passed' : 'failed' });
    return verdict;
  }

  async getVerdict(id: string) {
    const verdict = await this.store.getVerdict(id);
    if (!verdict) throw new NotFoundError(`verdict ${id} not found`, { verdict_id: id });
    return verdict;
  }
}
