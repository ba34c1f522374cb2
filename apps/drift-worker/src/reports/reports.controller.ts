import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { parseBody } from '@lynx/platform';
import { NotFoundError, modelNameSchema } from '@lynx/schema';
import { DocStore } from '../store/doc-store';
import { renderReportHtml } from './report-html';

const listQuery = z.strictObject({
  model: modelNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(20),
});

@Controller('v1/drift/reports')
export class ReportsController {
  constructor(@Inject(DocStore) private readonly docs: DocStore) {}

  /** Newest first. */
  @Get()
  async list(@Query() query: unknown) {
    const q = parseBody(listQuery, query, 'query');
    return { reports: await this.docs.listReports(q.model, q.limit) };
  }

  /** JSON, or an HTML page with the histograms when the client prefers text/html. */
  @Get(':id')
  async show(@Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.docs.getReport(id);
    if (!report) throw new NotFoundError(`drift report ${id} not found`);
    if (prefersHtml(accept)) {
      reply.header('content-type', 'text/html; charset=utf-8');
      return renderReportHtml(report);
    }
    return report;
  }
}

/** text/html listed before (or instead of) application/json. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}
