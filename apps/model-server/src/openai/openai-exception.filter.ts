import { openAiExceptionFilter } from '@lynx/platform';

/** Routes under this prefix answer errors in OpenAI's shape; the rest (/healthz, /metrics) in Lynx's. */
export const OPENAI_PREFIX = '/v1/';

export const OpenAiExceptionFilter = openAiExceptionFilter((url) => url.startsWith(OPENAI_PREFIX));
