import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type OpenAiError } from '@lynx/schema';
import { LynxExceptionFilter, LynxLogger, toErrorResponse } from '@lynx/platform';

// OpenAI's `type` by HTTP status, as api.openai.com and vLLM answer.
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The paths OpenAI clients call; everything else (/v1/traffic, /healthz, /metrics) answers in Lynx's shape. */
const OPENAI_PATHS = /^\/v1\/(chat\/completions|completions|models|feedback)(?:[/?]|$)/;

/** Any thrown value as OpenAI's `{error: {message, type, param, code}}`, with Lynx's status and code. */
export function toOpenAiError(exception: unknown): { status: number; body: OpenAiError } {
  const { status, body } = toErrorResponse(exception);
  const issues = (body.error.details as { issues?: Array<{ path?: string }> } | undefined)?.issues;
  const type = TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const code = body.error.code === ERROR_CODES.internal ? null : body.error.code;
  return { status, body: { error: { message: body.error.message, type, param: issues?.[0]?.path || null, code } } };
}

/**
 * Global as well as on the controller: malformed JSON and oversized bodies fail before routing,
 * where controller filters never run.
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
    if (!OPENAI_PATHS.test(req.url)) return void this.lynx.catch(exception, host);
    sendOpenAiError(host.switchToHttp().getResponse<FastifyReply>(), exception, this.logger);
  }
}

/** Answers a failed OpenAI-path request in OpenAI's shape (or ends a stream already under way). */
export function sendOpenAiError(reply: FastifyReply, exception: unknown, logger: LynxLogger): void {
  const { status, body } = toOpenAiError(exception);
  if (status >= 500 && status !== 502 && status !== 503 && status !== 504) {
    logger.error({ msg: 'request failed', err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'OpenAiExceptionFilter');
  }
  if (reply.raw.headersSent) {
    reply.raw.end(`data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`);
    return;
  }
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
}
