// Test fixture: a small, real OpenAI-compatible HTTP server whose answers say which server gave
// them ("<name>: <input>"). Used for the router's own mechanics (fallback, breaker, streaming) and
// as the "fast upstream" of the benchmark; the tutor's model server covers the real thing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  name: string;
  /** Base URL including /v1. */
  baseUrl: string;
  /** Requests received, by upstream `model` name. */
  received: Map<string, number>;
  /** Status to answer with instead of 200 (e.g. 500), or 'hang' to never answer. */
  fail?: number | 'hang';
  /** Delay before answering (and between stream chunks), ms. */
  delayMs: number;
  total(): number;
  close(): Promise<void>;
}

export async function startFakeUpstream(name: string, opts: { delayMs?: number } = {}): Promise<FakeUpstream> {
  const received = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const up: FakeUpstream = {
    name,
    baseUrl: '',
    received,
    delayMs: opts.delayMs ?? 0,
    total: () => [...received.values()].reduce((a, b) => a + b, 0),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((req, res) => void handle(up, hanging, req, res));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  up.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return up;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

async function handle(up: FakeUpstream, hanging: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  const model = String(body.model);
  up.received.set(model, (up.received.get(model) ?? 0) + 1);
  if (up.fail === 'hang') {
    hanging.add(res);
    return;
  }
  await sleep(up.delayMs);
  if (typeof up.fail === 'number') {
    res.writeHead(up.fail, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'injected failure', type: 'server_error', param: null, code: null } }));
    return;
  }
  const input = req.url!.endsWith('/chat/completions') ? String(body.messages?.at(-1)?.content ?? '') : String(body.prompt ?? '');
  const text = `${up.name}:${model}: ${input}`;
  const usage = { prompt_tokens: input.split(/\s+/).length, completion_tokens: text.split(/\s+/).length, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  const chat = req.url!.endsWith('/chat/completions');
  if (!body.stream) {
    const choice = chat ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' } : { index: 0, text, finish_reason: 'stop' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'cmpl-1', object: chat ? 'chat.completion' : 'text_completion', model, choices: [choice], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const word of text.split(/(?<= )/)) {
    const choice = chat ? { index: 0, delta: { content: word } } : { index: 0, text: word };
    res.write(`data: ${JSON.stringify({ id: 'cmpl-1', model, choices: [choice] })}\n\n`);
    await sleep(up.delayMs);
  }
  if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id: 'cmpl-1', model, choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}
