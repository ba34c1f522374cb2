import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NulByteError, RequestTimeoutError, UnauthorizedError } from '@lynx/schema';
import type { TokenStore } from '../auth/token-store';
import { looksLikeJwt, type OidcVerifier } from '../auth/oidc-verifier';
import type { LynxConfig } from '../config/config';
import { toErrorResponse } from '../errors/lynx-exception.filter';
import { checkUtf8Charset, parseJsonText } from './json-guards';

/** What the HTTP server's request handler needs to know, filled in once the app's config is read. */
export interface BodyWatch {
  /** Silence allowed while a body is arriving (0: not watched). */
  idleMs: number;
  /** Time allowed for a whole request with a body, from its handler's start (0: Node's limit only). */
  requestMs: number;
}

/** Node's own whole-request limit sits this far past Lynx's, so Lynx's answer (with its code) comes first. */
export const NODE_REQUEST_TIMEOUT_BACKSTOP_MS = 1000;

/** A request that carries a body (a length over 0, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Watches a request body's arrival, answering 408 request_timeout (when nothing was answered yet)
 * and closing the connection when either
 * - `idleMs` pass with no byte (the socket's own timer, which the HTTP parser refreshes on every
 *   read, so watching costs no listener per chunk), or
 * - the whole request is still arriving after `requestMs`: a body trickled steadily never goes
 *   idle. Node's own requestTimeout would answer a bare 408 without a code; this one answers first.
 * Either way the body's reader (e.g. a blob's temp file) sees the request fail and cleans up.
 */
export function watchBody(req: IncomingMessage, res: ServerResponse, watch: BodyWatch, server: Server): void {
  if (!hasBody(req)) return;
  const socket = req.socket;
  let timedOut = false;
  const timeOut = (err: RequestTimeoutError) => {
    if (timedOut) return;
    timedOut = true;
    clearTimeout(deadline);
    // The body's reader (a blob upload's pipeline) must see the request fail: once the answer is
    // out, Node never ends or aborts a request whose response is done, so it would wait forever.
    const fail = () => {
      req.destroy(err);
      socket.destroy();
    };
    if (res.headersSent) return fail();
    const { status, body } = toErrorResponse(err);
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text, fail);
    setTimeout(fail, 1000).unref();
  };
  const deadline =
    watch.requestMs > 0
      ? setTimeout(
          () =>
            timeOut(
              new RequestTimeoutError(`the request did not arrive within ${watch.requestMs} ms: send it faster, or raise LYNX_HTTP_REQUEST_TIMEOUT_MS`, {
                request_timeout_ms: watch.requestMs,
              }),
            ),
          watch.requestMs,
        )
      : undefined;
  deadline?.unref();
  if (watch.idleMs > 0) {
    socket.setTimeout(watch.idleMs);
    // Node's socket timeout handler emits 'timeout' on a request still arriving; listening here means
    // we answer instead of a bare reset.
    req.once('timeout', () =>
      timeOut(new RequestTimeoutError(`no request body bytes for ${watch.idleMs} ms: send the body without pauses`, { idle_ms: watch.idleMs })),
    );
  }
  req.once('end', () => {
    clearTimeout(deadline);
    if (watch.idleMs > 0) socket.setTimeout(server.timeout);
  });
  req.once('close', () => clearTimeout(deadline));
}

/** Node's server timeouts: whole request (a backstop behind watchBody's) and headers alone. */
export function applyServerTimeouts(server: Server, config: LynxConfig): void {
  server.requestTimeout = config.httpRequestTimeoutMs + NODE_REQUEST_TIMEOUT_BACKSTOP_MS;
  server.headersTimeout = Math.min(config.httpRequestTimeoutMs, 30_000);
}

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;

/**
 * Checks every request before Fastify reads its body or runs a handler:
 * - a NUL in the path or query (raw or percent-encoded) → 400 nul_byte, whatever the route;
 * - a body declared in a charset other than UTF-8 → 415;
 * - with auth on, a request that carries a body needs a known bearer token now (401), so an
 *   unauthenticated client never makes a Lynx app read, buffer or wait for its body. The role is
 *   still checked by the guard. Lynx's public routes (health, metrics) take no body.
 * JSON bodies are parsed by parseJsonText (depth limit, prototype keys, NULs).
 */
export function installRequestChecks(nest: NestFastifyApplication, tokens: TokenStore | null, oidc: OidcVerifier | null = null): void {
  const fastify = nest.getHttpAdapter().getInstance();
  const refuse = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    const { status, body } = toErrorResponse(err);
    // The body (if any) is never read: close the connection once the answer is out.
    if (hasBody(req.raw)) void reply.header('connection', 'close');
    void reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  };
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    try {
      const url = req.raw.url ?? '';
      if (url.includes('\u0000') || /%00/i.test(url)) throw new NulByteError('path or query');
      const body = hasBody(req.raw);
      if (body) checkUtf8Charset(req.headers['content-type']);
      if (tokens && body) {
        const m = BEARER_RE.exec(req.headers.authorization ?? '');
        if (!m) throw new UnauthorizedError('missing bearer token (Authorization: Bearer <token>)');
        if (!tokens.authenticate(m[1])) {
          // A CI identity's OIDC token is verified here too (signature, issuer, policy), before the body.
          if (oidc && looksLikeJwt(m[1])) {
            oidc.verify(m[1]).then(() => done(), (err) => refuse(req, reply, err));
            return;
          }
          throw new UnauthorizedError('unknown bearer token');
        }
      }
      done();
    } catch (err) {
      refuse(req, reply, err);
    }
  });
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req: FastifyRequest, text: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonText(typeof text === 'string' ? text : text.toString('utf8'), { refuseNul: true }));
    } catch (err) {
      done(err as Error);
    }
  });
}

const ROUTES = new WeakMap<object, Array<{ method: string; url: string }>>();

/** Remembers every route Fastify registers from now on (the fuzz suite walks them all). */
export function recordRoutes(nest: NestFastifyApplication): void {
  const fastify = nest.getHttpAdapter().getInstance();
  const list: Array<{ method: string; url: string }> = [];
  ROUTES.set(fastify, list);
  fastify.addHook('onRoute', (o: { method: string | string[]; url: string }) => {
    for (const method of Array.isArray(o.method) ? o.method : [o.method]) list.push({ method, url: o.url });
  });
}

/** Every Fastify route of a Lynx app (method and pattern, e.g. `GET /v1/models/:name/versions`). */
export function lynxRoutes(nest: NestFastifyApplication): Array<{ method: string; url: string }> {
  return [...(ROUTES.get(nest.getHttpAdapter().getInstance()) ?? [])];
}
