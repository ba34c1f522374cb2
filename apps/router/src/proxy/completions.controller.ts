import { Controller, Get, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenAiExceptionFilter } from '../openai/openai-exception.filter';
import { PlanService } from '../plans/plan.service';
import { ProxyService } from './proxy.service';

/** OpenAI-compatible surface: the `model` field names a logical model; the plan picks the version. */
@Controller('v1')
@UseFilters(OpenAiExceptionFilter)
export class CompletionsController {
  constructor(
    @Inject(ProxyService) private readonly proxy: ProxyService,
    @Inject(PlanService) private readonly plans: PlanService,
  ) {}

  @Post('chat/completions')
  chat(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.handle('chat', req.body, req, reply);
  }

  @Post('completions')
  completions(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.handle('completions', req.body, req, reply);
  }

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
