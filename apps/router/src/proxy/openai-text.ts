import type { Usage } from '@lynx/schema';

// What the router reads out of OpenAI-shaped requests and answers for its events. Lenient on
// purpose: any OpenAI-compatible server is proxied, and an odd answer must never fail a request.

export type Endpoint = 'chat' | 'completions';

/** The learner's text: the last user message (chat) or the prompt(s) (completions). */
export function inputText(endpoint: Endpoint, body: Record<string, unknown>): string {
  if (endpoint === 'completions') {
    const p = body.prompt;
    return Array.isArray(p) ? p.filter((x) => typeof x === 'string').join('\n') : typeof p === 'string' ? p : '';
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return contentText(messages[i].content);
  }
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/** Text of each choice of a whole (non-streamed) answer, joined by newlines. */
export function outputFromJson(json: any): string {
  const choices: any[] = Array.isArray(json?.choices) ? json.choices : [];
  return choices.map((c) => (typeof c?.text === 'string' ? c.text : contentText(c?.message?.content))).join('\n');
}

export interface StreamSummary {
  output: string;
  usage?: Usage;
}

/** Reads a finished SSE body: the deltas' text in order, and the usage chunk when the server sent one. */
export function summarizeSse(text: string): StreamSummary {
  const parts = new Map<number, string>();
  let usage: Usage | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (!data || data === '[DONE]') continue;
    let chunk: any;
    try {
      chunk = JSON.parse(data);
    } catch {
      continue;
    }
    if (isUsage(chunk?.usage)) usage = pickUsage(chunk.usage);
    for (const c of Array.isArray(chunk?.choices) ? chunk.choices : []) {
      const piece = typeof c?.text === 'string' ? c.text : typeof c?.delta?.content === 'string' ? c.delta.content : '';
      const index = typeof c?.index === 'number' ? c.index : 0;
      parts.set(index, (parts.get(index) ?? '') + piece);
    }
  }
  const output = [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t).join('\n');
  return usage ? { output, usage } : { output };
}

export function isUsage(u: any): u is Usage {
  return u != null && Number.isInteger(u.prompt_tokens) && Number.isInteger(u.completion_tokens);
}

export function pickUsage(u: Usage): Usage {
  return { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: Number.isInteger(u.total_tokens) ? u.total_tokens : u.prompt_tokens + u.completion_tokens };
}

/** Whitespace-separated words: a rough token count for answers that carry no usage (marked estimated). */
export function estimateTokens(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

/** Usage from the answer when present, else estimated from the texts. */
export function usageOf(input: string, output: string, reported?: unknown): { usage: Usage; estimated: boolean } {
  if (isUsage(reported)) return { usage: pickUsage(reported), estimated: false };
  const p = estimateTokens(input);
  const c = estimateTokens(output);
  return { usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c }, estimated: true };
}
