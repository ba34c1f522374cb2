import { Catch, Inject, type ArgumentsHost, type ExceptionFilter, type Type } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type OpenAiError } from '@lynx/schema';
import { LynxLogger } from '../logger/lynx-logger';
import { LynxExceptionFilter, toErrorResponse } from './lynx-exception.filter';

// OpenAI's `type` by HTTP status, as api.openai.com and vLLM answer.
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * Any thrown value as OpenAI's error body `{error: {message, type, param, code}}` and status.
 * Lynx's own mapping decides status and code, so both shapes agree on them; `param` names the
 * first invalid field of a validation error (e.g. "messages.0.content").
 */
export function toOpenAiError(exception: unknown): { status: number; body: OpenAiError } {
  const { status, body } = toErrorResponse(exception);
  const issues = (body.error.details as { issues?: Array<{ path?: string }> } | undefined)?.issues;
  const type = TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const code = body.error.code === ERROR_CODES.internal ? null : body.error.code;
  return { status, body: { error: { message: body.error.message, type, param: issues?.[0]?.path || null, code } } };
}

/** Answers a failed OpenAI-path request in OpenAI's shape, or ends a stream already under way. */
export function sendOpenAiError(reply: FastifyReply, exception: unknown, logger: LynxLogger): void {
  const { status, body } = openAiErrorLogged(exception, logger);
  if (reply.raw.headersSent) {
    reply.raw.end(streamEnd(body));
    return;
  }
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/** sendOpenAiError for a raw route (RawRoutes): written on Node's response itself. */
export function writeOpenAiError(res: ServerResponse, exception: unknown, logger: LynxLogger): void {
  const { status, body } = openAiErrorLogged(exception, logger);
  if (res.headersSent) {
    res.end(streamEnd(body));
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function openAiErrorLogged(exception: unknown, logger: LynxLogger): { status: number; body: OpenAiError } {
  const mapped = toOpenAiError(exception);
  // 502/503/504 are another service's state, already named in the answer; other 5xx are our bugs.
  if (mapped.status >= 500 && mapped.status !== 502 && mapped.status !== 503 && mapped.status !== 504) {
    logger.error({ msg: 'request failed', err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'OpenAiExceptionFilter');
  }
  return mapped;
}

const streamEnd = (body: OpenAiError) => `data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`;

/**
 * A filter answering errors on the paths OpenAI clients call in OpenAI's shape and every other
 * path in Lynx's. Register it globally as well as on controllers: malformed JSON and oversized
 * bodies fail before routing, where controller filters never run.
 */
export function openAiExceptionFilter(isOpenAiPath: (url: string) => boolean): Type<ExceptionFilter> {
  @Catch()
  class OpenAiExceptionFilter implements ExceptionFilter {
    private readonly lynx: LynxExceptionFilter;

    constructor(@Inject(LynxLogger) private readonly logger: LynxLogger) {
      this.lynx = new LynxExceptionFilter(logger);
    }

    catch(exception: unknown, host: ArgumentsHost): void {
      if (host.getType() !== 'http') throw exception;
      const req = host.switchToHttp().getRequest<FastifyRequest>();
      if (!isOpenAiPath(req.url)) return void this.lynx.catch(exception, host);
      sendOpenAiError(host.switchToHttp().getResponse<FastifyReply>(), exception, this.logger);
    }
  }
  return OpenAiExceptionFilter;
}
