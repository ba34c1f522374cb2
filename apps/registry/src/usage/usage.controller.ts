import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles, ZodValidationPipe } from '@lynx/platform';
import { ModelNotFoundError, usageRollupRequestSchema, type UsageRollupRequest } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';

/** Usage rollups posted by the cost emitter, and the "what ever served" view built from them. */
@Controller('v1/models/:name')
export class UsageController {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  @Roles('operator')
  @Post('versions/:ref/usage')
  async record(
    @Param('name') name: string,
    @Param('ref') ref: string,
    @Body(new ZodValidationPipe(usageRollupRequestSchema)) body: UsageRollupRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = await this.store.resolve(name, ref);
    const { created } = await this.store.recordUsage({ ...body, model: name, digest: version.digest });
    reply.status(created ? 201 : 200);
    return { rollup_id: body.rollup_id, digest: version.digest, created };
  }

  @Get('served')
  async served(@Param('name') name: string) {
    const versions = await this.store.listServed(name);
    if (versions.length === 0 && !(await this.store.listModels()).some((m) => m.name === name)) {
      throw new ModelNotFoundError(`model ${name} not found`, { model: name });
    }
    return { model: name, versions };
  }
}
