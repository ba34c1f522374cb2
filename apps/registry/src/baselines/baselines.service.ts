import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@lynx/platform';
import { ForbiddenError, NotFoundError, type BaselineUpdateRequest } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';

/** Who may move a model's baseline: CI (the deploy workflow) and admins; never an operator or the gate itself. */
const BASELINE_ROLES = ['ci', 'admin'];

@Injectable()
export class BaselinesService {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async update(model: string, body: BaselineUpdateRequest, who: Principal) {
    if (!BASELINE_ROLES.includes(who.role)) {
      throw new ForbiddenError(`only ci or admin may change a baseline; ${who.name} has ${who.role}`, { required: BASELINE_ROLES, role: who.role });
    }
    return this.store.recordBaseline({ model, ...body }, { actor: who.name, role: who.role });
  }

  async current(model: string, withItems: boolean) {
    const baseline = await this.store.currentBaseline(model);
    if (!baseline) throw new NotFoundError(`model ${model} has no registered baseline; register one with \`lynx baseline update\``, { model });
    if (!withItems) return baseline;
    return { ...baseline, items: await this.store.getOutcomes(baseline.outcomes_digest) };
  }

  async history(model: string) {
    return { model, baselines: await this.store.baselineHistory(model) };
  }
}
