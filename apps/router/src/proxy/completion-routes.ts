import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LynxLogger, TOKEN_STORE, type Principal, type TokenStore } from '@lynx/platform';
import { UnauthorizedError } from '@lynx/schema';
import { sendOpenAiError } from '../openai/openai-exception.filter';
import type { Endpoint } from './openai-text';
import { ProxyService } from './proxy.service';

const ROUTES: Array<[string, Endpoint]> = [
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
];

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;

/**
 * The two proxied OpenAI routes, registered on Fastify itself rather than through a Nest controller:
 * Nest's per-request pipeline (execution context, reflector lookups for the guard, filter dispatch)
 * was a large share of the router's CPU per request. Behaviour is the platform's: a bearer token
 * of any role (reader is the lowest), the same 401 messages, and errors in OpenAI's shape.
 * The access log is at debug: a line per request at info cost more than the request itself; the
 * request metrics still count every one.
 */
export function registerCompletionRoutes(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const proxy = app.get(ProxyService);
  const logger = app.get(LynxLogger);
  const tokens = app.get<string, TokenStore | null>(TOKEN_STORE, { strict: false });
  const authenticate = tokens ? authenticator(tokens) : undefined;
  for (const [url, endpoint] of ROUTES) {
    fastify.route({
      method: 'POST',
      url,
      config: { accessLog: 'debug' },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          authenticate?.(req.headers.authorization);
          await proxy.handle(endpoint, req.body, req, reply);
        } catch (err) {
          sendOpenAiError(reply, err, logger);
        }
        return reply;
      },
    });
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
