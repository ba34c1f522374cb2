import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles, ZodValidationPipe } from '@lynx/platform';
import { SERVED_DIGESTS_MAX, TooManyDigestsError, ValidationError, digestSchema, usageRollupRequestSchema, type ServedResponse, type UsageRollupRequest } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore, ServedFilter } from '../store/registry-store';

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

  /**
   * A page of the versions that served (`limit` 1-1000, default 100); follow `next_cursor` for the
   * rest. With `digest=…` (repeated, at most SERVED_DIGESTS_MAX) only those digests, in one answer.
   */
  @Get('served')
  async served(
    @Param('name') name: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('digest') digest?: string | string[],
  ): Promise<ServedResponse> {
    if (digest !== undefined) return { model: name, versions: await this.store.servedOf(name, digestList(digest, cursor, limit)), next_cursor: null };
    const page: ServedFilter = {};
    if (cursor) page.cursor = cursor;
    if (limit !== undefined) {
      const n = Number(limit);
      if (!/^\d+$/.test(limit) || n < 1 || n > 1000) throw new ValidationError('limit must be an integer 1-1000', { limit });
      page.limit = n;
    }
    const { items, next_cursor } = await this.store.listServed(name, page);
    return { model: name, versions: items, next_cursor };
  }
}

/** The `digest` parameters of a served read by digests: each a full digest, at most SERVED_DIGESTS_MAX, no paging. */
function digestList(digest: string | string[], cursor?: string, limit?: string): string[] {
  if (cursor !== undefined || limit !== undefined) throw new ValidationError('digest cannot be combined with cursor or limit: a read by digests is one answer', { cursor, limit });
  const list = Array.isArray(digest) ? digest : [digest];
  if (list.length > SERVED_DIGESTS_MAX) {
    throw new TooManyDigestsError(`at most ${SERVED_DIGESTS_MAX} digests per request, got ${list.length}; split the list`, { max: SERVED_DIGESTS_MAX, got: list.length });
  }
  const bad = list.filter((d) => !digestSchema.safeParse(d).success);
  if (bad.length) throw new ValidationError('each digest must be sha256: followed by 64 lowercase hex', { digest: bad.slice(0, 3) });
  return list;
}
