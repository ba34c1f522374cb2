import { Controller, Get, HttpCode, Inject, UseFilters } from '@nestjs/common';
import { OpenAiExceptionFilter } from '../openai/openai-exception.filter';
import { PlanService } from '../plans/plan.service';

/**
 * OpenAI-compatible surface: the `model` field names a logical model; the plan picks the version.
 * POST /v1/chat/completions and /v1/completions are registered on Fastify directly (completion-routes.ts).
 */
@Controller('v1')
@UseFilters(OpenAiExceptionFilter)
export class CompletionsController {
  constructor(@Inject(PlanService) private readonly plans: PlanService) {}

  @Get('models')
  @HttpCode(200)
  models() {
    return {
      object: 'list',
      data: this.plans.models().map((id) => {
        const plan = this.plans.get(id)!;
        return { id, object: 'model', created: Math.floor(Date.parse(plan.loadedAt) / 1000), owned_by: 'lynx', strategy: plan.plan.strategy, revision: plan.revision };
      }),
    };
  }
}
