import { ERROR_CODES, type OpenAiError } from '@lynx/schema';
import { toErrorResponse } from '@lynx/platform';

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
  const param = issues?.[0]?.path || null;
  const type = TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const code = body.error.code === ERROR_CODES.internal ? null : body.error.code;
  return { status, body: { error: { message: body.error.message, type, param, code } } };
}
