import type { FastifyReply } from 'fastify';

/**
 * Server-sent events the way OpenAI streams: one `data: <json>\n\n` per chunk, then
 * `data: [DONE]\n\n`. Takes the response over from Fastify (hijack) so Nest does not
 * try to send a body after the stream.
 */
export class SseWriter {
  private opened = false;

  constructor(private readonly reply: FastifyReply) {}

  open(headers: Record<string, string> = {}): void {
    this.reply.hijack();
    this.reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Proxies such as nginx buffer by default; the point of streaming is to not wait.
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.opened = true;
  }

  /** False once the client has gone: stop producing. */
  get writable(): boolean {
    return this.opened && !this.reply.raw.destroyed && !this.reply.raw.writableEnded;
  }

  send(chunk: unknown): void {
    if (this.writable) this.reply.raw.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  done(): void {
    if (this.writable) this.reply.raw.end('data: [DONE]\n\n');
  }
}
