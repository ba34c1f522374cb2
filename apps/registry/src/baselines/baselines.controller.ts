import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { baselineUpdateRequestSchema, type BaselineUpdateRequest } from '@lynx/schema';
import { BaselinesService } from './baselines.service';

@Controller('v1/models/:name/baselines')
export class BaselinesController {
  constructor(@Inject(BaselinesService) private readonly baselines: BaselinesService) {}

  // The floor lets the service answer an operator with the reason (ci or admin only).
  @Roles('operator')
  @Post()
  async update(
    @Param('name') name: string,
    @Body(new ZodValidationPipe(baselineUpdateRequestSchema)) body: BaselineUpdateRequest,
    @Principal() who: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { baseline, created } = await this.baselines.update(name, body, who);
    reply.status(created ? 201 : 200);
    return baseline;
  }

  /** `?items=true` adds the baseline's per-item outcomes (the gate reads them to evaluate against it). */
  @Get('current')
  current(@Param('name') name: string, @Query('items') items?: string) {
    return this.baselines.current(name, items === 'true');
  }

  @Get()
  history(@Param('name') name: string) {
    return this.baselines.history(name);
  }
}
