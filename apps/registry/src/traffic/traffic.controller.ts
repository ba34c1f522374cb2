import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { trafficPlanSchema } from '@lynx/schema';
import { TrafficService, type PutTrafficBody } from './traffic.service';

const putTrafficSchema = z.strictObject({
  plan: trafficPlanSchema,
  /** When given, the change applies only if the stored plan is at this revision (0: none yet). */
  expected_revision: z.number().int().nonnegative().optional(),
  reason: z.string().trim().min(1).max(2000).optional(),
  /** admin only: serve arms without a passing gate verdict, for this stated reason (audited). */
  override_verdicts: z.strictObject({ reason: z.string().trim().min(1).max(2000) }).optional(),
});

/** Durable traffic plans, one per logical model; the router reads them and follows the events. */
@Controller('v1/traffic/:model')
export class TrafficController {
  constructor(@Inject(TrafficService) private readonly traffic: TrafficService) {}

  @Get()
  get(@Param('model') model: string) {
    return this.traffic.get(model);
  }

  @Roles('operator')
  @Put()
  put(@Param('model') model: string, @Body(new ZodValidationPipe(putTrafficSchema)) body: PutTrafficBody, @Principal() who: Principal) {
    return this.traffic.put(model, body, who);
  }

  @Get('history')
  history(@Param('model') model: string) {
    return this.traffic.history(model);
  }
}
