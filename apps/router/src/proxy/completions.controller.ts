import { Controller, Get, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenAiExceptionFilter } from '../openai/openai-exception.filter';
import { PlanService } from '../plans/plan.service';
import { ProxyService } from './proxy.service';

const HOT_ROUTE = { accessLog: 'debug' };

/** OpenAI-compatible surface: the `model` field names a logical model; the plan picks the version. */
@Controller('v1')
@UseFilters(OpenAiExceptionFilter)
export class CompletionsController {
  constructor(
    @Inject(ProxyService) private readonly proxy: ProxyService,
    @Inject(PlanService) private readonly plans: PlanService,
  ) {}

  // Access log at debug: a line per request at info was a large share of the router's CPU per request
  // (and of whoever reads its stdout); the request metrics still count every request.
  @Post('chat/completions')
  @RouteConfig(HOT_ROUTE)
  chat(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.handle('chat', req.body, req, reply);
  }

  @Post('completions')
  @RouteConfig(HOT_ROUTE)
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
