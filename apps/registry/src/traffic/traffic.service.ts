import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@lynx/platform';
import { LynxError, ValidationError, trafficPlanSchema, type TrafficPlan } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';
import { fixAbHorizon } from './ab-horizon';

export interface PutTrafficBody {
  plan: TrafficPlan;
  expected_revision?: number;
  reason?: string;
}

/** Every registry reference a plan names. */
export function planRefs(plan: TrafficPlan): string[] {
  switch (plan.strategy) {
    case 'single':
      return plan.ref ? [plan.ref] : [];
    case 'ab':
      return plan.arms.map((a) => a.ref);
    case 'shadow':
      return [plan.primary, plan.shadow];
    case 'canary':
      return [plan.stable, plan.canary];
    case 'bluegreen':
      return [plan.active, plan.preview];
    case 'bandit':
      return plan.arms.map((a) => a.ref);
  }
}

@Injectable()
export class TrafficService {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
  ) {}

  /** The stored plan; a model without one serves `production` (revision 0). */
  async get(model: string) {
    const plan = await this.store.getTrafficPlan(model);
    if (plan) return plan;
    await this.store.listVersions(model, { limit: 1 }); // 404 for an unknown model
    return { model, revision: 0, plan: { strategy: 'single' }, updated_at: null, updated_by: null };
  }

  /** Stores a plan whose every ref resolves now; otherwise 400 and the running plan stays. */
  async put(model: string, body: PutTrafficBody, who: Principal) {
    const unknown: Array<{ ref: string; code: string; message: string }> = [];
    for (const ref of planRefs(body.plan)) {
      try {
        await this.store.resolve(model, ref);
      } catch (err) {
        if (!(err instanceof LynxError) || err.code === 'model_not_found') throw err;
        unknown.push({ ref, code: err.code, message: err.message });
      }
    }
    if (unknown.length) throw new ValidationError(`the plan names refs that do not resolve: ${unknown.map((u) => u.ref).join(', ')}`, { refs: unknown });
    const previous = await this.store.getTrafficPlan(model);
    const stored = previous ? trafficPlanSchema.safeParse(previous.plan) : undefined;
    const plan = fixAbHorizon(stored?.success ? stored.data : undefined, body.plan, new Date());
    // The store writes the traffic.changed event in the same transaction (outbox).
    return this.store.putTrafficPlan({ model, ...body, plan }, { actor: who.name, role: who.role });
  }

  async history(model: string) {
    return { model, changes: await this.store.trafficPlanHistory(model) };
  }
}
