import { Readable } from 'node:stream';
import { Controller, Get, Head, Inject, Param, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '@lynx/platform';
import { NotFoundError, ValidationError } from '@lynx/schema';
import { BlobsService } from './blobs.service';

/** Content-addressed blobs, OCI style: PUT by digest (verified), HEAD to check, GET to stream. */
@Controller('v1/blobs')
export class BlobsController {
  constructor(@Inject(BlobsService) private readonly blobs: BlobsService) {}

  @Roles('trainer')
  @Put(':digest')
  async put(@Param('digest') digest: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    if (!(req.body instanceof Readable)) {
      throw new ValidationError('send the blob as the raw body with content-type application/octet-stream');
    }
    const length = req.headers['content-length'] ? Number(req.headers['content-length']) : undefined;
    const { created, size } = await this.blobs.put(digest, req.body, length);
    return reply.status(created ? 201 : 200).send({ digest, size });
  }

  @Head(':digest')
  async head(@Param('digest') digest: string, @Res() reply: FastifyReply) {
    const stat = await this.blobs.store.stat(digest);
    if (!stat) return reply.status(404).send();
    return reply.header('content-length', stat.size).header('docker-content-digest', digest).status(200).send();
  }

  @Get(':digest')
  async get(@Param('digest') digest: string, @Res() reply: FastifyReply) {
    const stat = await this.blobs.store.stat(digest);
    if (!stat) throw new NotFoundError(`blob ${digest} not found`, { digest });
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', stat.size)
      .header('docker-content-digest', digest)
      .send(this.blobs.store.createReadStream(digest));
  }
}
