import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LynxLogger, TOKEN_STORE, readJsonBody, type Principal, type RawRoutes, type TokenStore } from '@lynx/platform';
import { HEADERS, UnauthorizedError } from '@lynx/schema';
import { ROUTER_CONFIG, type RouterConfig } from '../config/router-config';
import { writeOpenAiError } from '../openai/openai-exception.filter';
import type { Endpoint } from './openai-text';
import { ProxyService } from './proxy.service';
import { requestIdFrom } from './request-context';

const ROUTES: Array<[string, Endpoint]> = [
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
];

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;

/**
 * The two proxied OpenAI routes, answered on Node's request event before Fastify (RawRoutes):
 * Fastify's per-request work, and Nest's before it, were most of the router's own CPU per
 * request. Behaviour is the platform's: a bearer token of any role (reader is the lowest), checked
 * before the body is read; the body rules of Fastify's JSON parser (415, 413, 400); errors in
 * OpenAI's shape; HTTP metrics; the access log at debug.
 */
export function registerCompletionRoutes(app: NestFastifyApplication, raw: RawRoutes): void {
  const proxy = app.get(ProxyService);
  const logger = app.get(LynxLogger);
  const { bodyLimit } = app.get<string, RouterConfig>(ROUTER_CONFIG);
  const tokens = app.get<string, TokenStore | null>(TOKEN_STORE, { strict: false });
  const authenticate = tokens ? authenticator(tokens) : undefined;
  for (const [url, endpoint] of ROUTES) {
    raw.add('POST', url, (req, res) => void handle(endpoint, req, res));
  }

  async function handle(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = requestIdFrom(req.headers[HEADERS.requestId]);
    try {
      authenticate?.(req.headers.authorization);
      const body = await readJsonBody(req, res, bodyLimit);
      await proxy.handle(endpoint, body, req, res, requestId);
    } catch (err) {
      // Set here, not up front: an answer's headers then go out in one writeHead.
      if (!res.headersSent) res.setHeader(HEADERS.requestId, requestId);
      writeOpenAiError(res, err, logger);
    }
  }
}

/** Tokens seen recently; only known ones are kept, so unknown tokens cannot fill it. */
const KNOWN_TOKENS_MAX = 1024;

/**
 * The platform guard's check for a route that needs `reader`: any known token passes. The token
 * file is read once at start, so a known token stays known; remembering it saves a SHA-256 per request.
 */
function authenticator(tokens: TokenStore): (header: string | undefined) => Principal {
  const known = new Map<string, Principal>();
  return (header) => {
    const m = BEARER_RE.exec(header ?? '');
    if (!m) throw new UnauthorizedError('missing bearer token (Authorization: Bearer <token>)');
    const cached = known.get(m[1]);
    if (cached) return cached;
    const principal = tokens.authenticate(m[1]);
    if (!principal) throw new UnauthorizedError('unknown bearer token');
    if (known.size >= KNOWN_TOKENS_MAX) known.clear();
    known.set(m[1], principal);
    return principal;
  };
}
