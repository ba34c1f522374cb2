import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LynxExceptionFilter, LynxLogger } from '@lynx/platform';
import { toOpenAiError } from './openai-error';

/** Routes under this prefix answer errors in OpenAI's shape; the rest (/healthz, /metrics) in Lynx's. */
export const OPENAI_PREFIX = '/v1/';

/**
 * Errors on the OpenAI routes in OpenAI's shape. Used on the /v1 controllers, and also as a
 * global filter because errors raised before routing (malformed JSON, body too large) never
 * reach a controller's filters; there it hands every other path to Lynx's filter.
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly lynx: LynxExceptionFilter;

  constructor(@Inject(LynxLogger) private readonly logger: LynxLogger) {
    this.lynx = new LynxExceptionFilter(logger);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    if (!req.url.startsWith(OPENAI_PREFIX)) {
      void this.lynx.catch(exception, host);
      return;
    }
    const { status, body } = toOpenAiError(exception);
    // 502/503 are another service's state, already named in the answer; other 5xx are our bugs.
    if (status >= 500 && status !== 502 && status !== 503) {
      this.logger.error({ msg: 'request failed', err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'OpenAiExceptionFilter');
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // A stream that already started cannot change its status: end it with an error event instead.
    if (reply.raw.headersSent) {
      reply.raw.end(`data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`);
      return;
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
