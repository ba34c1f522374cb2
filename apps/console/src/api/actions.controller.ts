import { Body, Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { Public, ZodValidationPipe } from '@lynx/platform';
import { ModelNotFoundError, referenceSchema, trafficPlanSchema } from '@lynx/schema';
import { SessionGuard, sessionOf } from '../session/session.guard';
import { PLAN_ACTIONS, planAfter } from '../views/plan-actions';
import { ConsoleApiService } from './console-api.service';

const reason = z.string().trim().min(1, 'say why: the reason is kept in the registry\'s history').max(2000);
const planActionSchema = z.strictObject({ action: z.enum(PLAN_ACTIONS), reason });
const rollbackSchema = z.strictObject({ reason, to: referenceSchema.optional() });

/**
 * Operator controls. The console checks nothing about roles here on purpose: the services do
 * (a reader's token gets the service's 403, passed on as is), so a forged request gains nothing.
 */
@Public()
@UseGuards(SessionGuard)
@Controller('api/models/:model')
export class ActionsController {
  constructor(@Inject(ConsoleApiService) private readonly api: ConsoleApiService) {}

  @Post('traffic/actions')
  @HttpCode(200)
  async planAction(@Req() req: Record<string, unknown>, @Param('model') model: string, @Body(new ZodValidationPipe(planActionSchema)) body: z.infer<typeof planActionSchema>) {
    const api = this.api.api(sessionOf(req).token);
    const current = await api.registryPlan(model);
    if (!current) throw new ModelNotFoundError(`${model} has no traffic plan: set one with \`lynx traffic set ${model} --strategy …\``, { model });
    const plan = planAfter(body.action, trafficPlanSchema.parse(current.plan));
    return api.putPlan(model, { plan, expected_revision: current.revision, reason: `${body.action} from the console: ${body.reason}` });
  }

  @Post('rollback')
  @HttpCode(200)
  rollback(@Req() req: Record<string, unknown>, @Param('model') model: string, @Body(new ZodValidationPipe(rollbackSchema)) body: z.infer<typeof rollbackSchema>) {
    return this.api.api(sessionOf(req).token).rollback(model, body);
  }
}
