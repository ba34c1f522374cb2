import { Body, Controller, Get, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Principal, Roles, ZodValidationPipe } from '@lynx/platform';
import { registerVersionRequestSchema, tagsPatchRequestSchema, type RegisterVersionRequest, type TagsPatchRequest } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';
import { VersionsService } from './versions.service';

@Controller('v1/models')
export class VersionsController {
  constructor(
    @Inject(VersionsService) private readonly versions: VersionsService,
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
  ) {}

  @Get()
  async models() {
    return { models: await this.store.listModels() };
  }

  @Roles('trainer')
  @Post(':name/versions')
  async register(
    @Param('name') name: string,
    @Body(new ZodValidationPipe(registerVersionRequestSchema)) body: RegisterVersionRequest,
    @Principal() who: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version, created } = await this.versions.register(name, body, who);
    reply.status(created ? 201 : 200);
    return version;
  }

  @Get(':name/versions')
  list(@Param('name') name: string, @Query() query: Record<string, string | undefined>) {
    return this.versions.list(name, query);
  }

  @Get(':name/versions/:ref')
  show(@Param('name') name: string, @Param('ref') ref: string) {
    return this.versions.show(name, ref);
  }

  /** Edits a version's tags; answers the tags after the edit and the keys that changed. */
  @Roles('operator')
  @Patch(':name/versions/:ref/tags')
  tags(
    @Param('name') name: string,
    @Param('ref') ref: string,
    @Body(new ZodValidationPipe(tagsPatchRequestSchema)) body: TagsPatchRequest,
    @Principal() who: Principal,
  ) {
    return this.versions.editTags(name, ref, body, who);
  }

  @Get(':name/versions/:ref/manifest')
  manifest(@Param('name') name: string, @Param('ref') ref: string) {
    return this.versions.manifest(name, ref);
  }
}
