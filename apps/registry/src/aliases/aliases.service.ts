import { Inject, Injectable } from '@nestjs/common';
import { LYNX_CONFIG, type LynxConfig, type Principal } from '@lynx/platform';
import {
  ALIASES,
  ForbiddenError,
  InvalidSemverError,
  isDevSemver,
  isPrereleaseSemver,
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
  ) {}

  async move(model: string, alias: string, body: AliasMoveRequest, who: Principal) {
    const move = await this.store.moveAlias({ model, alias, ...body }, { actor: who.name, role: who.role });
    return { model, alias, digest: body.digest, move };
  }

  /**
   * Who may promote: with LYNX_ENV=prod only `ci`, and only non-dev semvers; elsewhere a -dev
   * semver needs `trainer` and a release semver `ci`. A release semver always needs a passing
   * gate verdict for the digest (checked in the store's transaction); a -dev one outside prod not.
   */
  async promote(model: string, body: PromoteRequest, who: Principal) {
    const dev = isDevSemver(body.semver);
    if (this.config.env === 'prod') {
      // Any pre-release, in any case: only release semvers serve in prod.
      if (isPrereleaseSemver(body.semver)) throw new InvalidSemverError(`pre-release semvers cannot be promoted with LYNX_ENV=prod: ${body.semver}; promote a release semver such as v1.2.3`, { semver: body.semver });
      if (who.role !== 'ci') throw new ForbiddenError(`only the ci role promotes with LYNX_ENV=prod; ${who.name} has ${who.role}`, { required: 'ci', role: who.role });
    } else if (!dev && !roleAtLeast(who.role, 'ci')) {
      throw new ForbiddenError(`role ci required to promote a release semver; ${who.name} has ${who.role}`, { required: 'ci', role: who.role });
    }
    const require_verdict = this.config.env === 'prod' || !dev;
    const move = await this.store.promote({ model, ...body, require_verdict }, { actor: who.name, role: who.role });
    return { model, alias: ALIASES.production, digest: move.to_digest, semver: body.semver, move };
  }

  async rollback(model: string, body: RollbackRequest, who: Principal) {
    const move = await this.store.rollback({ model, ...body }, { actor: who.name, role: who.role });
    return { model, alias: ALIASES.production, digest: move.to_digest, move };
  }

  async history(model: string, alias: string) {
    return { model, alias, moves: await this.store.aliasHistory(model, alias) };
  }
}
