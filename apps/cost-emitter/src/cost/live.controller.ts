import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ZodValidationPipe } from '@lynx/platform';
import { modelNameSchema } from '@lynx/schema';
import { liveUsage } from '../rollup/live-usage';
import { RollupStore } from '../rollup/rollup-store';

/**
 * Usage in seconds: what is counted but not flushed yet (the open hour, windows in their grace
 * period), so `lynx served` and `lynx costs` show a version within seconds of its first request.
 */
@Controller('v1/costs/:model')
export class LiveUsageController {
  constructor(@Inject(RollupStore) private readonly store: RollupStore) {}

  @Get('live')
  async live(@Param('model', new ZodValidationPipe(modelNameSchema)) model: string) {
    return liveUsage(model, await this.store.pending(), new Date());
  }
}
