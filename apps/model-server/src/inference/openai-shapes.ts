import { randomUUID } from 'node:crypto';

// Response bodies and stream chunks in OpenAI's shapes (chat.completion, chat.completion.chunk,
// text_completion). Kept apart from the controller so each shape is written once.

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const usage = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

export interface Envelope {
  id: string;
  created: number;
  model: string;
}

export function envelope(prefix: 'chatcmpl' | 'cmpl', model: string): Envelope {
  return { id: `${prefix}-${randomUUID().replace(/-/g, '')}`, created: Math.floor(Date.now() / 1000), model };
}

export function chatCompletion(e: Envelope, content: string, finishReason: string, u: Usage) {
  return {
    ...e,
    object: 'chat.completion' as const,
    choices: [{ index: 0, message: { role: 'assistant' as const, content }, logprobs: null, finish_reason: finishReason }],
    usage: u,
  };
}

/** A chat stream chunk; with include_usage every chunk carries `usage: null` until the last one. */
export function chatChunk(e: Envelope, delta: { role?: 'assistant'; content?: string }, finishReason: string | null, includeUsage: boolean) {
  return {
    ...e,
    object: 'chat.completion.chunk' as const,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  };
}

export function textCompletion(e: Envelope, choices: Array<{ text: string; finishReason: string }>, u: Usage) {
  return {
    ...e,
    object: 'text_completion' as const,
    choices: choices.map((c, index) => ({ index, text: c.text, logprobs: null, finish_reason: c.finishReason })),
    usage: u,
  };
}

export function textChunk(e: Envelope, index: number, text: string, finishReason: string | null, includeUsage: boolean) {
  return {
    ...e,
    object: 'text_completion' as const,
    choices: [{ index, text, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  };
}

/** The last chunk when stream_options.include_usage: no choices, the request's usage. */
export function usageChunk(e: Envelope, object: 'chat.completion.chunk' | 'text_completion', u: Usage) {
  return { ...e, object, choices: [], usage: u };
}
