import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Roles, ZodValidationPipe } from '@lynx/platform';
import { CANARY_HISTORY_MAX, digestSchema, modelNameSchema, semverSchema } from '@lynx/schema';
import { CanaryService } from './canary.service';

const startSchema = z.strictObject({
  interval_ms: z.number().int().min(100).max(24 * 3600 * 1000).optional(),
  semver: semverSchema.optional(),
});

const resumeSchema = z.strictObject({ interval_ms: startSchema.shape.interval_ms }).optional();
const measurementsQuery = z.object({
  digest: digestSchema.optional(),
  limit: z.coerce.number().int().min(1).max(CANARY_HISTORY_MAX).optional(),
});

const promoteSchema = z.strictObject({ semver: semverSchema.optional() }).optional();

@Controller('v1/gate/canaries/:model')
export class CanaryController {
  constructor(@Inject(CanaryService) private readonly canary: CanaryService) {}

  /** Starts (or restarts) the analysis of the model's active canary plan. */
  @Roles('operator')
  @Post()
  start(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string, @Body(new ZodValidationPipe(startSchema)) body: z.infer<typeof startSchema>) {
    return this.canary.start({ model, ...body });
  }

  @Get()
  status(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string) {
    return this.canary.status(model);
  }

  /** Every measurement of the rollout (newest first, at most CANARY_HISTORY_MAX): step, weight, decision, figures. */
  @Get('measurements')
  measurements(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string, @Query(new ZodValidationPipe(measurementsQuery)) q: z.infer<typeof measurementsQuery>) {
    return this.canary.measurements(model, q.digest, q.limit);
  }

  @Roles('operator')
  @Delete()
  stop(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string) {
    return this.canary.stop(model);
  }

  /** Holds the canary at its weight (plan status paused); the analysis keeps its evidence. */
  @Roles('operator')
  @HttpCode(200)
  @Post('pause')
  pause(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string) {
    return this.canary.pause(model);
  }

  @Roles('operator')
  @HttpCode(200)
  @Post('resume')
  resume(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string, @Body(new ZodValidationPipe(resumeSchema)) body: z.infer<typeof resumeSchema>) {
    return this.canary.resume(model, body?.interval_ms);
  }

  /** Weight 0, status aborted: the router serves stable only. */
  @Roles('operator')
  @HttpCode(200)
  @Post('abort')
  abort(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string) {
    return this.canary.abort(model);
  }

  /** Completes now: promotion through the gate when a semver is given, then the plan becomes single. */
  @Roles('operator')
  @HttpCode(200)
  @Post('promote')
  promote(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string, @Body(new ZodValidationPipe(promoteSchema)) body: z.infer<typeof promoteSchema>) {
    return this.canary.promoteNow(model, body?.semver);
  }
}
