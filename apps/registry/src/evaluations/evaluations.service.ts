import { Inject, Injectable } from '@nestjs/common';
import { LYNX_CONFIG, type LynxConfig, type Principal } from '@lynx/platform';
import { ForbiddenError, NotFoundError, ValidationError, roleAtLeast, type EvalResult, type GateVerdict, type ItemOutcomeBody } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore, VerdictSource } from '../store/registry-store';

export type VerdictRequest = Omit<GateVerdict, 'verdict_id'> & { items?: ItemOutcomeBody[]; registered_baseline_digest?: string };

/** The measured path's identities: the gate service's own token, or the deploy workflow's OIDC token. */
export function verdictSource(who: Principal): VerdictSource {
  if (who.via === 'dev') return 'dev';
  if (who.role === 'gate') return 'gate';
  if (who.role === 'ci' && who.via === 'oidc') return 'ci_oidc';
  return `${who.role}_token`;
}

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(LYNX_CONFIG) private readonly config: LynxConfig,
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

  /**
   * The gate's decision. In prod only the gate service or CI may record one, and a gate verdict must
   * carry its per-item outcomes (the registry recomputes the decision from them); elsewhere
   * `trainer` and up. Who recorded it is kept as the verdict's source, which a prod promotion checks.
   */
  async recordVerdict(model: string, body: VerdictRequest, who: Principal) {
    const prod = this.config.env === 'prod';
    if (prod ? who.role !== 'ci' && who.role !== 'gate' : !roleAtLeast(who.role, 'trainer')) {
      throw new ForbiddenError(`role ${prod ? 'gate or ci' : 'trainer'} required to record a verdict`, { role: who.role });
    }
    if (body.model !== model) throw new ValidationError(`the verdict is for model ${body.model}, not ${model}`, { model: body.model });
    if (prod && body.kind === 'gate' && !body.items) {
      throw new ValidationError('with LYNX_ENV=prod a gate verdict must carry its per-item outcomes (items) so the registry can recompute it', { kind: body.kind });
    }
    const version = await this.store.getVersion(model, body.candidate_digest);
    if (!version) throw new NotFoundError(`version ${body.candidate_digest} of ${model} not found`, { digest: body.candidate_digest });
    // verdict.recorded commits with the verdict (outbox).
    return this.store.recordVerdict(
      {
        model,
        digest: body.candidate_digest,
        passed: body.passed,
        bootstrap: body.kind === 'bootstrap',
        baseline_digest: body.baseline_file_digest,
        eval_set_digest: body.eval_set_digest,
        tolerance_pp: body.tolerance_pp,
        buckets: body.buckets,
        source: verdictSource(who),
        items: body.items,
        registered_baseline_digest: body.registered_baseline_digest,
        strict: prod,
      },
      { actor: who.name, role: who.role },
    );
  }

  async getVerdict(id: string) {
    const verdict = await this.store.getVerdict(id);
    if (!verdict) throw new NotFoundError(`verdict ${id} not found`, { verdict_id: id });
    return verdict;
  }
}
