import { Body, Controller, Get, Headers, Inject, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { ModelNotFoundError, roleAtLeast, trafficPlanSchema } from '@lynx/schema';
import { PlanService } from '../plans/plan.service';
import type { PutTrafficBody } from '@lynx/registry-client';
import type { CompiledPlan } from '../routing/compiled-plan';

/** Same body as the registry's PUT /v1/traffic/{model}. */
export const putTrafficSchema = z.strictObject({
  plan: trafficPlanSchema,
  /** Apply only if the stored plan is still at this revision (0: none stored yet). */
  expected_revision: z.number().int().nonnegative().optional(),
  reason: z.string().trim().min(1).max(2000).optional(),
  /** admin only: serve arms without a passing gate verdict, for this stated reason (audited). */
  override_verdicts: z.strictObject({ reason: z.string().trim().min(1).max(2000) }).optional(),
});

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
