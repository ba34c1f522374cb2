// Raw routes over a real listening port: matching, the JSON body rules, metrics and graceful close.
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { toErrorResponse } from '../errors/lynx-exception.filter';
import { writeOpenAiError } from '../errors/openai-exception.filter';
import { testAppModule } from '../fixtures/test-app';
import { LynxLogger } from '../logger/lynx-logger';
import { testNamespace, type TestNamespace } from '../testing';
import { createLynxApp, listenLynxApp } from './create-app';
import { RawRoutes, readJsonBody } from './raw-routes';

const LIMIT = 1024;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

/** The test app with raw routes: /raw/echo answers in Lynx's shape, /raw/openai in OpenAI's, /raw/slow waits for the test. */
async function startRawApp(env: NodeJS.ProcessEnv) {
  const raw = new RawRoutes();
  const app = await createLynxApp(testAppModule({ env }), 'gate', { bodyLimit: LIMIT, rawRoutes: raw });
  const logger = app.get(LynxLogger);
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  raw.add('POST', '/raw/echo', (req, res) => void echo(req, res));
  raw.add('POST', '/raw/openai', (req, res) =>
    void readJsonBody(req, res, LIMIT).then(
      (body) => sendJson(res, 200, { echo: body }),
      (err) => writeOpenAiError(res, err, logger),
    ),
  );
  raw.add('POST', '/raw/slow', (_req, res) => {
    entered();
    void released.then(() => sendJson(res, 200, { done: true }));
  });
  const url = await listenLynxApp(app, 0);
  return { app, url, inside, release };

  async function echo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      sendJson(res, 200, { echo: await readJsonBody(req, res, LIMIT), url: req.url });
    } catch (err) {
      const { status, body } = toErrorResponse(err);
      sendJson(res, status, body);
    }
  }
}

describe('raw routes', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let url: string;
  // Keep-alive, so `connection: close` in an answer is the server's choice, not the client's.
  const agent = new Agent({ keepAlive: true });

  function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${url}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON (metrics) */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const postJson = (path: string, body: string) => call('POST', path, body, { 'content-type': 'application/json' });

  beforeAll(async () => {
    ns = testNamespace('raw');
    ({ app, url } = await startRawApp(ns.env));
  });
  afterAll(async () => {
    agent.destroy();
    await app?.close();
    await ns?.cleanup();
  });

  it('answers a raw route, also with a query string, and leaves other methods and paths to Fastify', async () => {
    const res = await postJson('/raw/echo', '{"a":1}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ echo: { a: 1 }, url: '/raw/echo' });
    const query = await postJson('/raw/echo?x=1&y=2', '{"b":2}');
    expect(query.status).toBe(200);
    expect(query.body).toEqual({ echo: { b: 2 }, url: '/raw/echo?x=1&y=2' });
    const open = await call('GET', '/t/open');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ ok: true });
    const get = await call('GET', '/raw/echo');
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('not_found');
    // A path that only starts like a raw route is not one.
    const longer = await postJson('/raw/echo/more', '{}');
    expect(longer.status).toBe(404);
    expect(longer.body.error.code).toBe('not_found');
  });

  it('answers 415 unsupported_media_type to a body that is not application/json', async () => {
    const plain = await call('POST', '/raw/echo', '{"a":1}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe('unsupported_media_type');
    const none = await call('POST', '/raw/echo', '{"a":1}');
    expect(none.status).toBe(415);
    expect(none.body.error.code).toBe('unsupported_media_type');
    // Parameters and case do not matter, as in Fastify's parser.
    const charset = await call('POST', '/raw/echo', '{"a":1}', { 'content-type': 'Application/JSON; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('answers 413 payload_too_large to a Content-Length over the limit, closing the connection', async () => {
    const res = await postJson('/raw/echo', JSON.stringify({ pad: 'x'.repeat(LIMIT) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.headers.connection).toBe('close');
    const atLimit = await postJson('/raw/echo', JSON.stringify({ pad: 'x'.repeat(LIMIT - 10) }));
    expect(atLimit.status).toBe(200);
  });

  it('answers 413 to a chunked body that grows past the limit and closes that connection', async () => {
    // A raw socket: Node's client would close a socket itself after a `connection: close` answer,
    // so only here does the socket's end prove that the server closed it.
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    const closed = new Promise<string>((resolve) => {
      socket.on('end', () => resolve('end'));
      socket.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
      socket.on('close', () => resolve('close'));
    });
    const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;
    socket.write(`POST /raw/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n`);
    socket.write(chunk(`{"pad":"${'x'.repeat(600)}`));
    await new Promise((r) => setTimeout(r, 20));
    // Past the limit now; the terminating chunk is never sent, so only the server can end this.
    socket.write(chunk('y'.repeat(600)));
    let timer: NodeJS.Timeout | undefined;
    const how = await Promise.race([closed, new Promise<string>((r) => (timer = setTimeout(() => r('still open'), 2000)))]);
    clearTimeout(timer);
    socket.destroy();
    expect(how).not.toBe('still open');
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(received).toContain('"code":"payload_too_large"');
  });

  const expectBadRequest = async (body: string) => {
    const res = await postJson('/raw/echo', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    return res;
  };

  it('answers 400 bad_request to an empty body and to malformed JSON', async () => {
    await expectBadRequest('');
    await expectBadRequest(' \n ');
    expect((await expectBadRequest('{"a": ')).body.error.message).toContain('malformed JSON body');
  });

  it('answers 400 bad_request to __proto__ and constructor.prototype keys', async () => {
    await expectBadRequest('{"__proto__":{"x":1}}');
    await expectBadRequest('{"constructor":{"prototype":{"x":1}}}');
    // The server runs in this process: nothing reached Object.prototype.
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('answers errors in OpenAI shape through writeOpenAiError', async () => {
    const res = await call('POST', '/raw/openai', '{}', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'unsupported_media_type' } });
    const ok = await postJson('/raw/openai', '{"a":1}');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ echo: { a: 1 } });
  });

  it('counts raw-route requests in the HTTP metrics by route and status', async () => {
    await postJson('/raw/echo', '{"a":1}');
    await call('POST', '/raw/echo', '{}', { 'content-type': 'text/plain' });
    const res = await call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/lynx_http_requests_total\{method="POST",route="\/raw\/echo",status="200",app="gate"\} [1-9]/);
    expect(res.body).toMatch(/lynx_http_requests_total\{method="POST",route="\/raw\/echo",status="415",app="gate"\} [1-9]/);
    expect(res.body).toMatch(/lynx_http_request_duration_seconds_count\{app="gate",method="POST",route="\/raw\/echo"\} [1-9]/);
    // The query string is not part of the route label.
    expect(res.body).not.toMatch(/route="\/raw\/echo\?/);
  });
});

describe('raw routes: graceful close', () => {
  it('answers a raw request in flight when close starts with connection: close', async () => {
    const ns = testNamespace('rawclose');
    const { app, url, inside, release } = await startRawApp(ns.env);
    const agent = new Agent({ keepAlive: true });
    try {
      const answer = new Promise<Answer>((resolve, reject) => {
        request(`${url}/raw/slow`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
        })
          .on('error', reject)
          .end('{}');
      });
      await inside;
      let closed = false;
      const closing = app.close().then(() => (closed = true));
      // Release the handler only once close() has reached the HTTP server.
      while (app.getHttpServer().listening) await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      release();
      const res = await answer;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ done: true });
      expect(res.headers.connection).toBe('close');
      await closing;
    } finally {
      agent.destroy();
      await ns.cleanup();
    }
  });
});
