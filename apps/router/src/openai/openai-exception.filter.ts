import { openAiExceptionFilter } from '@lynx/platform';

export { writeOpenAiError } from '@lynx/platform';

/** The paths OpenAI clients call; everything else (/v1/traffic, /healthz, /metrics) answers in Lynx's shape. */
const OPENAI_PATHS = /^\/v1\/(chat\/completions|completions|models|feedback)(?:[/?]|$)/;

export const OpenAiExceptionFilter = openAiExceptionFilter((url) => OPENAI_PATHS.test(url));
