import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { ZodError } from 'zod';
import { ERROR_CODES, LynxError, type ErrorResponse } from '@lynx/schema';
import type { LynxLogger } from '../logger/lynx-logger';
import { validationError } from '../validation/zod-validation';

interface Mapped {
  status: number;
  body: ErrorResponse;
}

const STATUS_CODES: Record<number, string> = {
  400: ERROR_CODES.badRequest,
  401: ERROR_CODES.unauthorized,
  403: ERROR_CODES.forbidden,
  404: ERROR_CODES.notFound,
  409: ERROR_CODES.conflict,
  413: ERROR_CODES.payloadTooLarge,
  415: ERROR_CODES.unsupportedMediaType,
  503: ERROR_CODES.notReady,
};

const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ERROR_CODES.payloadTooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: ERROR_CODES.unsupportedMediaType },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ERROR_CODES.badRequest },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ERROR_CODES.badRequest },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ERROR_CODES.badRequest },
};

const err = (status: number, code: string, message: string, details?: unknown): Mapped => ({
  status,
  body: { error: details === undefined ? { code, message } : { code, message, details } },
});

/** Maps any thrown value to the one error shape `{error: {code, message, details}}`. */
export function toErrorResponse(exception: unknown): Mapped {
  if (exception instanceof LynxError) return err(exception.status, exception.code, exception.message, exception.details);
  if (exception instanceof ZodError) {
    const v = validationError(exception);
    return err(v.status, v.code, v.message, v.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const code = STATUS_CODES[status] ?? (status >= 500 ? ERROR_CODES.internal : ERROR_CODES.badRequest);
    // Terminus answers 503 with the per-check result: keep it as details.
    const details = typeof res === 'object' && res !== null && 'status' in res && 'details' in res ? res : undefined;
    return err(status, code, exception.message, details);
  }
  const e = exception as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (e && typeof e.code === 'string' && FASTIFY_CODES[e.code]) {
    const m = FASTIFY_CODES[e.code];
    return err(m.status, m.code, String(e.message));
  }
  // Fastify's JSON parser throws a SyntaxError carrying statusCode 400.
  if (exception instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
    return err(400, ERROR_CODES.badRequest, `malformed JSON body: ${exception.message}`);
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return err(e.statusCode, STATUS_CODES[e.statusCode] ?? ERROR_CODES.badRequest, String(e.message));
  }
  return err(500, ERROR_CODES.internal, 'internal error');
}

@Catch()
export class LynxExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: LynxLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    const { status, body } = toErrorResponse(exception);
    if (status >= 500 && status !== 503) {
      this.logger.error({ msg: 'request failed', err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'ExceptionFilter');
    }
    // NATS request/reply handlers: the caller receives the same {code, message, details} object.
    if (host.getType() === 'rpc') return throwError(() => ({ ...body.error, status }));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
