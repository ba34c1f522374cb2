import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Roles, ZodValidationPipe } from '@lynx/platform';
import { NotFoundError, digestSchema, modelNameSchema, referenceSchema } from '@lynx/schema';
import type { ReferenceProfile } from './profile';
import { ProfileService } from './profile.service';

const buildBody = z.strictObject({
  model: modelNameSchema,
  ref: referenceSchema,
  bins: z.number().int().min(2).max(100).optional(),
});

/** A profile without its KS sample (the bulk of it) for listing. */
function summary(p: ReferenceProfile) {
  return {
    ...p,
    scalars: Object.fromEntries(Object.entries(p.scalars).map(([k, v]) => [k, { edges: v.edges, counts: v.counts, sample_size: v.sample.length }])),
  };
}

@Controller('v1/drift/profiles')
export class ProfilesController {
  constructor(@Inject(ProfileService) private readonly profiles: ProfileService) {}

  /** Builds (or rebuilds) the reference profile of model@ref from the corpus its lineage names. */
  @Roles('trainer')
  @Post()
  async build(@Body(new ZodValidationPipe(buildBody)) body: z.infer<typeof buildBody>) {
    return summary(await this.profiles.build(body.model, body.ref, body.bins));
  }

  @Get(':digest')
  async get(@Param('digest') digest: string) {
    const d = digestSchema.safeParse(digest);
    const p = d.success ? await this.profiles.get(d.data) : null;
    if (!p) throw new NotFoundError(`no reference profile for ${digest}`);
    return summary(p);
  }
}
