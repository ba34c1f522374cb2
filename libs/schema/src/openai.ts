import { z } from 'zod';

// The OpenAI-compatible surface Lynx serves (model server) and forwards (router), as vLLM shapes it.
// Request schemas are loose on purpose: OpenAI clients send fields Lynx ignores (temperature,
// top_p, …), and refusing them would break clients that work against vLLM. Fields Lynx reads
// are checked strictly.

/** Longest learner sentence (in characters) the tutor corrects; longer → 400 context_length_exceeded. */
export const MAX_SENTENCE_CHARS = 1000;
/** Most messages in one chat request; the tutor reads only the last user message. */
export const MAX_CHAT_MESSAGES = 64;
/** Longest content of any one message (system prompts included), in characters. */
export const MAX_MESSAGE_CHARS = 16_000;
/** Most prompts in one /v1/completions request (a batch; one choice per prompt). */
export const MAX_PROMPTS = 64;

const text = (max: number) => z.string().max(max, { message: `longer than ${max} characters` });

const contentPart = z.looseObject({ type: z.literal('text'), text: text(MAX_MESSAGE_CHARS) });

export const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([text(MAX_MESSAGE_CHARS), z.array(contentPart).max(64)]).nullable().optional(),
  name: z.string().max(256).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const streamOptionsSchema = z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional();

const common = {
  model: z.string().min(1).max(256),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptionsSchema,
  /** Only one choice per prompt: the tutor's answer is deterministic. */
  n: z.literal(1, { message: 'only n=1 is supported' }).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  user: z.string().max(256).optional(),
};

export const chatCompletionRequestSchema = z.looseObject({
  ...common,
  messages: z.array(chatMessageSchema).min(1, { message: 'at least one message is required' }).max(MAX_CHAT_MESSAGES),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

export const completionRequestSchema = z.looseObject({
  ...common,
  /** A string, or a batch of strings; token-id prompts are not supported (the tokenizer has no ids). */
  prompt: z.union([text(MAX_MESSAGE_CHARS), z.array(text(MAX_MESSAGE_CHARS)).min(1).max(MAX_PROMPTS)]),
  echo: z.boolean().nullable().optional(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

/** vLLM's POST /v1/load_lora_adapter body, plus Lynx's optional expected digest. */
export const loadLoraAdapterRequestSchema = z.looseObject({
  lora_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'expected 1-128 chars of A-Z a-z 0-9 . _ -' }),
  /** A bundle dir under the adapter root, optionally `<dir>@sha256:<hex>`, or a registry ref `<model>@<ref>`. */
  lora_path: z.string().min(1).max(1024),
  /** The bundle digest the loaded files must have (same as a `@sha256:…` suffix on lora_path). */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, { message: 'expected sha256:<64 lowercase hex>' }).optional(),
});
export type LoadLoraAdapterRequest = z.infer<typeof loadLoraAdapterRequestSchema>;

export const unloadLoraAdapterRequestSchema = z.looseObject({
  lora_name: z.string().min(1).max(128),
});
export type UnloadLoraAdapterRequest = z.infer<typeof unloadLoraAdapterRequestSchema>;

/** OpenAI's error body: `{error: {message, type, param, code}}`. */
export const openAiErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type OpenAiError = z.infer<typeof openAiErrorSchema>;

/** vLLM's Prometheus metric names (as exposed, counters with their `_total`), labelled `model_name`. */
export const VLLM_METRICS = {
  promptTokens: 'vllm:prompt_tokens_total',
  generationTokens: 'vllm:generation_tokens_total',
  requestsRunning: 'vllm:num_requests_running',
  requestsWaiting: 'vllm:num_requests_waiting',
  e2eLatency: 'vllm:e2e_request_latency_seconds',
  requestSuccess: 'vllm:request_success_total',
  timeToFirstToken: 'vllm:time_to_first_token_seconds',
} as const;
