import { type EvalResult, UpstreamUnavailableError, evalResultSchema } from '@lynx/schema';
import type { EvalSet, GradedItem } from './evaluate';
import { gradeAnswer, outcomesOf, tallyGraded } from './evaluate';

export interface EndpointEvalOptions {
  /** Base URL of any OpenAI-compatible server (with or without the trailing /v1). */
  url: string;
  /** The `model` field sent with each request (e.g. a logical model or a LoRA adapter name). */
  model: string;
  /** The candidate's registry digest: an endpoint cannot tell us what it serves. */
  modelDigest: string;
  token?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

export function chatCompletionsUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return /\/v1$/.test(base) ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
}

/**
 * Evaluates whatever answers at an OpenAI-compatible endpoint: one chat completion per eval item
 * (the learner's sentence as the user message, temperature 0), graded by the tutor's grader.
 * An HTTP error answer counts as a wrong answer (the candidate failed it); an endpoint that
 * cannot be reached at all stops the evaluation (upstream_unavailable), since a partial
 * evaluation is no evidence.
 */
export async function evaluateEndpoint(evalSet: EvalSet, opts: EndpointEvalOptions): Promise<EvalResult & { errors: number }> {
  const url = chatCompletionsUrl(opts.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const graded: GradedItem[] = new Array(evalSet.items.length);
  let next = 0;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (next < evalSet.items.length) {
      const i = next++;
      const item = evalSet.items[i];
      const output = await ask(url, headers, opts, item.input);
      if (output === undefined) errors++;
      graded[i] = { item, ok: output !== undefined && gradeAnswer(item, output) };
      opts.onProgress?.(++done, evalSet.items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  const result = evalResultSchema.parse({
    model_digest: opts.modelDigest,
    eval_set_digest: evalSet.digest,
    ...tallyGraded(graded),
    created_at: (opts.now ?? new Date()).toISOString(),
    items: outcomesOf(graded),
  });
  return { ...result, errors };
}

async function ask(url: string, headers: Record<string, string>, opts: EndpointEvalOptions, input: string): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: opts.model, messages: [{ role: 'user', content: input }], temperature: 0 }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new UpstreamUnavailableError(`cannot reach ${url}: ${(err as Error).message}`, { url });
  }
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  const body = (await res.json().catch(() => undefined)) as { choices?: Array<{ message?: { content?: unknown } }> } | undefined;
  const content = body?.choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : undefined;
}
