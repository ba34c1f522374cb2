import { Body, Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Roles, ZodValidationPipe } from '@lynx/platform';
import { modelNameSchema, semverSchema } from '@lynx/schema';
import { CanaryService } from './canary.service';

const startSchema = z.strictObject({
  interval_ms: z.number().int().min(100).max(24 * 3600 * 1000).optional(),
  semver: semverSchema.optional(),
});

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

  @Roles('operator')
  @Delete()
  stop(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string) {
    return this.canary.stop(model);
  }
}
