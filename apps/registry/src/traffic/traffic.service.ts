import { Inject, Injectable } from '@nestjs/common';
import { LYNX_CONFIG, servingCheck, type LynxConfig, type Principal, type UpstreamRules } from '@lynx/platform';
import { ALIASES, ArmWithoutPassingVerdictError, ForbiddenError, LynxError, ValidationError, trafficPlanRefs, trafficPlanSchema, type PutTrafficBody, type TrafficPlan } from '@lynx/schema';
import { UPSTREAM_RULES } from '../versions/tag-policy';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';
import { fixAbHorizon } from './ab-horizon';
import { type ArmWithoutVerdict, armsWithoutPassingVerdict } from './arms-without-passing-verdict';
import { hasPassingVerdict } from './has-passing-verdict';
import { servingArms } from './serving-arms';

/** Every registry reference a plan names; a `single` plan without a ref follows production and names none. */
export function planRefs(plan: TrafficPlan): string[] {
  return plan.strategy === 'single' && !plan.ref ? [] : trafficPlanRefs(plan);
}

@Injectable()
export class TrafficService {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(UPSTREAM_RULES) private readonly upstreams: UpstreamRules,
    @Inject(LYNX_CONFIG) private readonly config: LynxConfig,
  ) {}

  /** The stored plan; a model without one serves `production` (revision 0). */
  async get(model: string) {
    const plan = await this.store.getTrafficPlan(model);
    if (plan) return plan;
    await this.store.listVersions(model, { limit: 1 }); // 404 for an unknown model
    return { model, revision: 0, plan: { strategy: 'single' }, updated_at: null, updated_by: null };
  }

  /**
   * Stores a plan the router can serve now: every ref resolves, and each version passes the
   * router's own servingCheck (an allowed upstream; in prod no pre-release). Otherwise 400 and the
   * running plan stays, as the router's PUT would answer.
   */
  async put(model: string, body: PutTrafficBody, who: Principal) {
    const unknown: Array<{ ref: string; code: string; message: string }> = [];
    const unservable: Array<{ ref: string; problem: string }> = [];
    for (const ref of planRefs(body.plan)) {
      try {
        const v = await this.store.resolve(model, ref);
        const served = servingCheck(model, v, this.upstreams, this.config.env === 'prod');
        if ('problem' in served) unservable.push({ ref, problem: served.problem });
      } catch (err) {
        if (!(err instanceof LynxError) || err.code === 'model_not_found') throw err;
        unknown.push({ ref, code: err.code, message: err.message });
      }
    }
    if (unknown.length) throw new ValidationError(`the plan names refs that do not resolve: ${unknown.map((u) => u.ref).join(', ')}`, { refs: unknown });
    if (unservable.length) {
      throw new ValidationError(`traffic plan for ${model} cannot be served: ${unservable.map((u) => `${u.ref}: ${u.problem}`).join('; ')}`, { refs: unservable });
    }
    const reason = await this.checkArmVerdicts(model, body, who);
    const { override_verdicts: _override, ...input } = body;
    const previous = await this.store.getTrafficPlan(model);
    const stored = previous ? trafficPlanSchema.safeParse(previous.plan) : undefined;
    const plan = fixAbHorizon(stored?.success ? stored.data : undefined, body.plan, new Date());
    // The store writes the traffic.changed event in the same transaction (outbox).
    return this.store.putTrafficPlan({ model, ...input, plan, ...(reason ? { reason } : {}) }, { actor: who.name, role: who.role });
  }

  /** The arms of `plan` that would answer users without a passing gate verdict (empty: none). */
  armsWithoutPassingVerdict(model: string, plan: TrafficPlan): Promise<ArmWithoutVerdict[]> {
    return armsWithoutPassingVerdict(plan, {
      resolve: (ref) => this.store.resolve(model, ref),
      hasPassingVerdict: (digest) => hasPassingVerdict(this.store, model, digest),
      productionDigest: async () => (await this.store.getAliases(model)).find((a) => a.alias === ALIASES.production)?.digest,
      alreadyServing: async () => {
        const current = await this.store.getTrafficPlan(model);
        const parsed = current ? trafficPlanSchema.safeParse(current.plan) : undefined;
        const digests = new Set<string>();
        for (const { ref } of parsed?.success ? servingArms(parsed.data) : []) {
          const v = await this.store.resolve(model, ref).catch(() => undefined);
          if (v) digests.add(v.digest);
        }
        return digests;
      },
    });
  }

  /**
   * 409 when a serving arm lacks a passing verdict, unless an admin overrides with a reason;
   * returns the reason to audit (the override appended to the change's own reason).
   */
  private async checkArmVerdicts(model: string, body: PutTrafficBody, who: Principal): Promise<string | undefined> {
    const lacking = await this.armsWithoutPassingVerdict(model, body.plan);
    if (lacking.length === 0) return body.reason;
    const list = lacking.map((a) => `${a.arm} (${a.ref})`).join(', ');
    if (!body.override_verdicts) {
      throw new ArmWithoutPassingVerdictError(
        `the plan serves users with versions that have no passing gate verdict: ${list}; run the gate on them (lynx gate promote / evaluate), or, as admin, override with a reason`,
        { arms: lacking },
      );
    }
    if (who.role !== 'admin') throw new ForbiddenError(`only an admin may override the verdict check; ${who.name} has ${who.role}`, { required: 'admin', role: who.role, arms: lacking });
    const override = `verdict check overridden by ${who.name} (admin) for ${list}: ${body.override_verdicts.reason}`;
    return body.reason ? `${body.reason}; ${override}` : override;
  }

  async history(model: string) {
    return { model, changes: await this.store.trafficPlanHistory(model) };
  }
}
