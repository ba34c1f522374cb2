import { Body, Controller, Get, Headers, Inject, Param, Put } from '@nestjs/common';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { ModelNotFoundError, putTrafficSchema, roleAtLeast, type PutTrafficBody } from '@lynx/schema';
import { PlanService } from '../plans/plan.service';
import type { CompiledPlan } from '../routing/compiled-plan';

/**
 * Traffic plans as the router runs them. A PUT is checked the way the router will serve it
 * (every ref resolves, has an upstream, is not -dev in prod), stored through the registry, and
 * applied here at once; other replicas apply it from the registry's event.
 */
@Controller('v1/traffic/:model')
export class TrafficController {
  constructor(@Inject(PlanService) private readonly plans: PlanService) {}

  /** Upstream URLs are internal addresses: only operators and above see them. */
  @Get()
  get(@Param('model') model: string, @Principal() who?: Principal) {
    const plan = this.plans.get(model);
    if (!plan) throw new ModelNotFoundError(`no traffic plan loaded for ${JSON.stringify(model)}`, { model });
    return view(plan, who !== undefined && roleAtLeast(who.role, 'operator'));
  }

  @Roles('operator')
  @Put()
  async put(
    @Param('model') model: string,
    @Body(new ZodValidationPipe(putTrafficSchema)) body: PutTrafficBody,
    @Headers('authorization') authorization?: string,
  ) {
    return view(await this.plans.put(model, body, authorization), true);
  }
}

function view(p: CompiledPlan, showUpstreams: boolean) {
  return {
    model: p.model,
    revision: p.revision,
    plan: p.plan,
    loaded_at: p.loadedAt,
    arms: [...p.arms, ...(p.shadow ? [p.shadow.arm] : [])].map((a) => ({
      arm: a.name,
      role: a.role,
      ref: a.ref,
      digest: a.digest,
      semver: a.semver,
      weight: a.weight,
      ...(p.shadow?.arm === a ? { percent: p.shadow.percent } : {}),
      ...(showUpstreams ? { upstream: { base_url: a.upstream.baseUrl, model: a.upstream.model, timeout_ms: a.upstream.timeoutMs } } : {}),
    })),
  };
}
