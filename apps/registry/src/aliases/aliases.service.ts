import { DomainMetrics } from '../metrics/domain-metrics';
import { Inject, Injectable } from '@nestjs/common';
import { LINEAGE_EMITTER, LYNX_CONFIG, LineageEmitter, modelDataset, type LynxConfig, type Principal } from '@lynx/platform';
import {
  ALIASES,
  ForbiddenError,
  InvalidSemverError,
  isDevSemver,
  isPrereleaseSemver,
  parseReference,
  ValidationError,
  roleAtLeast,
  type AliasMoveRequest,
  type PromoteRequest,
  type RollbackRequest,
} from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';

// Each move's event (alias.moved, promoted, rolled_back) commits with it: the store writes it to
// the outbox and the relay publishes it.
@Injectable()
export class AliasesService {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(LYNX_CONFIG) private readonly config: LynxConfig,
    @Inject(LINEAGE_EMITTER) private readonly lineage: LineageEmitter,
    @Inject(DomainMetrics) private readonly metrics: DomainMetrics,
  ) {}

  /**
   * The version `alias` points to, without the evaluations, verdicts and serving figures the
   * version GET adds: a router or model server resolving `production` needs the row alone.
   */
  version(model: string, alias: string) {
    if (parseReference(alias)?.kind !== 'alias') {
      throw new ValidationError(`"${alias}" is not an alias name: 1-64 chars of a-z 0-9 . _ - starting with a letter, and not a digest or semver`, { alias });
    }
    return this.store.resolve(model, alias);
  }

  async move(model: string, alias: string, body: AliasMoveRequest, who: Principal) {
    const move = await this.store.moveAlias({ model, alias, ...body }, { actor: who.name, role: who.role });
    return { model, alias, digest: body.digest, move };
  }

  /**
   * Who may promote: with LYNX_ENV=prod only `ci` (or the gate service, which promotes a completed
   * canary), only non-dev semvers, and only with a verdict from the measured path that the store
   * recomputes against the registered baseline (strict). Elsewhere a -dev semver needs `trainer` and
   * no verdict (dev mode: the audit marks it dev_bypass), and a release semver `gate` or `ci` and a
   * passing verdict, recomputed when the model has a registered baseline.
   */
  async promote(model: string, body: PromoteRequest, who: Principal) {
    const dev = isDevSemver(body.semver);
    const prod = this.config.env === 'prod';
    if (prod) {
      // Any pre-release, in any case: only release semvers serve in prod.
      if (isPrereleaseSemver(body.semver)) {
        throw new InvalidSemverError(`pre-release semvers cannot be promoted with LYNX_ENV=prod: ${body.semver}; promote a release semver such as v1.2.3`, { semver: body.semver });
      }
      if (who.role !== 'ci' && who.role !== 'gate') {
        throw new ForbiddenError(`only the ci role promotes with LYNX_ENV=prod; ${who.name} has ${who.role}`, { required: 'ci', role: who.role });
      }
    } else if (!dev && !roleAtLeast(who.role, 'gate')) {
      throw new ForbiddenError(`role ci required to promote a release semver; ${who.name} has ${who.role}`, { required: 'ci', role: who.role });
    }
    const require_verdict = prod || !dev;
    const move = await this.lineage.run(
      'promote',
      { inputs: [modelDataset(model, body.digest)], details: { model, semver: body.semver, verdict_id: body.verdict_id ?? null, actor: who.name, role: who.role } },
      () => this.store.promote({ model, ...body, require_verdict, strict: prod }, { actor: who.name, role: who.role }),
      (m) => ({ outputs: [{ ...modelDataset(model, m.to_digest), name: `${model}@${ALIASES.production}` }] }),
    );
    this.metrics.promotions.inc({ model });
    return { model, alias: ALIASES.production, digest: move.to_digest, semver: body.semver, move };
  }

  async rollback(model: string, body: RollbackRequest, who: Principal) {
    const move = await this.store.rollback({ model, ...body }, { actor: who.name, role: who.role });
    this.metrics.rollbacks.inc({ model });
    return { model, alias: ALIASES.production, digest: move.to_digest, move };
  }

  async history(model: string, alias: string) {
    return { model, alias, moves: await this.store.aliasHistory(model, alias) };
  }
}
