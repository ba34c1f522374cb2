import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ValidationError, isoTimeSchema } from '@lynx/schema';
import { LineageService } from './lineage.service';

/** GET /v1/lineage/{model}/{ref}[?at=<ISO time>] — where a version came from, what it touched, why it serves. */
@Controller('v1/lineage')
export class LineageController {
  constructor(@Inject(LineageService) private readonly lineage: LineageService) {}

  @Get(':model/:ref')
  get(@Param('model') model: string, @Param('ref') ref: string, @Query('at') at?: string) {
    if (at !== undefined && !isoTimeSchema.safeParse(at).success) {
      throw new ValidationError('at must be an ISO 8601 time with offset, e.g. 2025-01-01T12:00:00Z', { at });
    }
    return this.lineage.lineage(model, ref, at === undefined ? undefined : new Date(at).toISOString());
  }
}
