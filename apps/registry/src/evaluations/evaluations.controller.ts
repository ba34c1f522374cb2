import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { digestSchema, evalResultSchema, gateVerdictSchema, itemOutcomesSchema, type EvalResult } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';
import { EvaluationsService, type VerdictRequest } from './evaluations.service';

// A verdict may carry the candidate's per-item outcomes and the registered baseline it was computed
// against; with them the registry recomputes the decision instead of trusting `passed`.
const verdictRequestSchema = gateVerdictSchema.omit({ verdict_id: true }).extend({
  items: itemOutcomesSchema.optional(),
  registered_baseline_digest: digestSchema.optional(),
});

@Controller('v1/models/:name')
export class EvaluationsController {
  constructor(
    @Inject(EvaluationsService) private readonly evaluations: EvaluationsService,
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
  ) {}

  @Roles('trainer')
  @Post('versions/:ref/evaluations')
  add(
    @Param('name') name: string,
    @Param('ref') ref: string,
    @Body(new ZodValidationPipe(evalResultSchema)) body: EvalResult,
    @Principal() who: Principal,
  ) {
    return this.evaluations.addEvaluation(name, ref, body, who);
  }

  @Get('versions/:ref/evaluations')
  async list(@Param('name') name: string, @Param('ref') ref: string) {
    const version = await this.store.resolve(name, ref);
    return { evaluations: await this.store.listEvaluations(name, version.digest) };
  }

  @Roles('trainer')
  @Post('verdicts')
  record(@Param('name') name: string, @Body(new ZodValidationPipe(verdictRequestSchema)) body: VerdictRequest, @Principal() who: Principal) {
    return this.evaluations.recordVerdict(name, body, who);
  }

  @Get('verdicts')
  async verdicts(@Param('name') name: string, @Query('digest') digest?: string) {
    return { verdicts: await this.store.listVerdicts(name, digest) };
  }

  @Get('verdicts/:id')
  verdict(@Param('id') id: string) {
    return this.evaluations.getVerdict(id);
  }
}
