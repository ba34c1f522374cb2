// The fuzz suite's harness: seeded fast-check requests at every route of a Lynx app — arbitrary
// path segments and queries (NULs, traversal, bad percent-encoding, unicode, long), digests, JSON
// bodies (deep, large, NULs, unicode, prototype keys), garbage bodies, content types and tokens —
// checked for the properties a hostile client must never break: no 5xx for its input, an answer
// within the time limit, and (checked by the caller) nothing stored on a refusal.
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzAnswer {
  status: number;
  body: string;
}

export interface FuzzRoute {
  method: string;
  url: string;
}

export interface FuzzReport {
  app: string;
  routes: number;
  cases: number;
  /** Answers 500 or any 5xx not explained by a dependency being down (must stay 0). */
  serverErrors: number;
  /** 502/503/504 naming a dependency (upstream_unavailable, upstream_timeout, not_ready). */
  dependencyErrors: number;
  /** Successful (2xx) requests that could change state (not GET/HEAD/OPTIONS). */
  writesAccepted: number;
  perRoute: Record<string, { cases: number; statuses: Record<string, number> }>;
  failures: Array<{ request: FuzzRequest; status: number; body: string }>;
}

const HEX = '0123456789abcdef';
const hex64 = fc.string({ unit: fc.constantFrom(...HEX.split('')), minLength: 64, maxLength: 64 });

/** One path segment as sent on the wire (already percent-encoded where needed). */
export const segmentArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('grammar-tutor', 'production', 'candidate', 'v1.0.0', 'v1.0.0-DEV.1', '..', '.', '%2e%2e', '%00', 'a%00b', '%', '%zz', '%ff%fe', '~', 'x'.repeat(300)),
  hex64.map((h) => `sha256:${h}`),
  hex64.map((h) => h.slice(0, 12)),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
  fc.string({ maxLength: 16 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
);

const queryArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.constantFrom('limit', 'cursor', 'tag', 'status', 'alias', 'model', 'before_id', 'window', 'x'), fc.oneof(segmentArb, fc.integer().map(String))), { maxLength: 3 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : '')),
);

const PROTO_BODIES = ['{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":{"__proto__":null}}'];

/** A body as text: JSON values of every shape, deep nesting, NULs, prototype keys, garbage, nothing. */
export const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }).map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: fc.integer({ min: 65, max: 20_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`), weight: 1 },
  { arbitrary: fc.constantFrom(...PROTO_BODIES), weight: 1 },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => JSON.stringify({ name: `a\u0000${s}`, tags: { [`k\u0000`]: s } })), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: fc.constant('x'.repeat(1024 * 1024 + 1)), weight: 1 },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=ebcdic-cp-us',
  'text/plain',
  'text/plain; charset=utf-16',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  ';;;',
];

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Requests for one route: its parameters filled with hostile segments, any body, type and token. */
export function requestArb(route: FuzzRoute, authorizations: readonly (string | undefined)[], routeBodies?: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> {
  const params = route.url.split('/').filter((s) => s.startsWith(':')).length;
  const bodies = routeBodies ? fc.oneof({ arbitrary: routeBodies, weight: 3 }, { arbitrary: bodyArb, weight: 2 }) : bodyArb;
  return fc
    .record({
      segs: fc.array(segmentArb, { minLength: params, maxLength: params }),
      query: queryArb,
      body: METHODS_WITH_BODY.has(route.method) ? bodies : fc.oneof(fc.constant(undefined), bodies),
      // Mostly JSON, so cases get past the media-type check to the route's own handling.
      type: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 3 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 }),
      auth: fc.constantFrom(...authorizations),
      extra: fc.constantFrom<Record<string, string>>({}, { 'x-lynx-arm': 'a\u00e9' }, { 'x-lynx-request-id': '../../x' }, { accept: '*/*' }),
    })
    .map(({ segs, query, body, type, auth, extra }) => {
      let i = 0;
      const path = route.url.replace(/:[A-Za-z_]+/g, () => segs[i++] ?? 'x');
      const headers: Record<string, string> = { ...extra };
      if (type) headers['content-type'] = type;
      if (auth) headers.authorization = auth;
      return { method: route.method, url: path + query, headers, ...(body !== undefined ? { body } : {}) };
    });
}

const DEPENDENCY_CODES = new Set(['upstream_unavailable', 'upstream_timeout', 'not_ready']);

/**
 * Runs `casesPerRoute` seeded cases at each route through `send`, each within `timeoutMs`
 * (a hang fails the case). Returns the counts; the caller asserts serverErrors === 0 and checks
 * its own state. Routes whose path has none of these parameters still get bodies, types, tokens.
 */
export async function fuzzRoutes(
  app: string,
  routes: readonly FuzzRoute[],
  opts: {
    seed: number;
    casesPerRoute: number;
    timeoutMs: number;
    authorizations: readonly (string | undefined)[];
    /** Near-valid bodies for some routes (`METHOD /pattern`), mixed with the generic ones. */
    routeBodies?: Record<string, fc.Arbitrary<string>>;
    send(req: FuzzRequest): Promise<FuzzAnswer>;
  },
): Promise<FuzzReport> {
  const report: FuzzReport = { app, routes: routes.length, cases: 0, serverErrors: 0, dependencyErrors: 0, writesAccepted: 0, perRoute: {}, failures: [] };
  for (const [n, route] of routes.entries()) {
    const key = `${route.method} ${route.url}`;
    const entry = (report.perRoute[key] = { cases: 0, statuses: {} as Record<string, number> });
    const samples = fc.sample(requestArb(route, opts.authorizations, opts.routeBodies?.[key]), { seed: opts.seed + n, numRuns: opts.casesPerRoute });
    for (const req of samples) {
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        opts.send(req),
        new Promise<FuzzAnswer>((resolve) => (timer = setTimeout(() => resolve({ status: -1, body: `no answer within ${opts.timeoutMs} ms` }), opts.timeoutMs))),
      ]).finally(() => clearTimeout(timer));
      report.cases++;
      entry.cases++;
      entry.statuses[String(answer.status)] = (entry.statuses[String(answer.status)] ?? 0) + 1;
      if (answer.status >= 200 && answer.status < 300 && METHODS_WITH_BODY.has(req.method)) report.writesAccepted++;
      if (answer.status >= 500 || answer.status < 0) {
        const code = codeOf(answer.body);
        if (answer.status !== 500 && answer.status >= 502 && code !== undefined && DEPENDENCY_CODES.has(code)) report.dependencyErrors++;
        else {
          report.serverErrors++;
          if (report.failures.length < 10) report.failures.push({ request: { ...req, body: req.body?.slice(0, 300) }, status: answer.status, body: answer.body.slice(0, 300) });
        }
      }
    }
  }
  return report;
}

function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** A JSON object with the given fields (each an arbitrary) plus arbitrary extra keys. */
export function nearValidBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  return fc
    .record({ base: fc.record(fields, { requiredKeys: [] }), extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }) })
    .map(({ base, extra }) => JSON.stringify({ ...extra, ...base }));
}

export { fc };

/** One line per app for the suite's output (and the closing note). */
export function formatFuzzReport(r: FuzzReport): string {
  const routes = Object.entries(r.perRoute).map(([k, v]) => `  ${k}: ${v.cases} cases ${JSON.stringify(v.statuses)}`);
  return [`fuzz ${r.app}: ${r.routes} routes, ${r.cases} cases, 5xx=${r.serverErrors}, dependency 5xx=${r.dependencyErrors}, writes accepted=${r.writesAccepted}`, ...routes].join('\n');
}

/**
 * fuzzRoutes over every Fastify route of an in-process app, sent with inject (no sockets). Auth
 * is exercised with `tokens` (valid ones) plus none, an unknown and a malformed one.
 */
export async function fuzzApp(
  nest: { getHttpAdapter(): { getInstance(): { inject(o: object): Promise<{ statusCode: number; body: string }> } } },
  routes: readonly FuzzRoute[],
  app: string,
  opts: { seed: number; casesPerRoute: number; tokens?: readonly string[]; routeBodies?: Record<string, fc.Arbitrary<string>> },
): Promise<FuzzReport> {
  const fastify = nest.getHttpAdapter().getInstance();
  return fuzzRoutes(app, routes.filter((r) => r.method !== 'OPTIONS'), {
    seed: opts.seed,
    casesPerRoute: opts.casesPerRoute,
    timeoutMs: 10_000,
    routeBodies: opts.routeBodies,
    authorizations: [undefined, 'Bearer nope', 'Basic YTpi', ...(opts.tokens ?? []).map((t) => `Bearer ${t}`)],
    send: async (req) => {
      const res = await fastify.inject({ method: req.method, url: req.url, headers: req.headers, ...(req.body !== undefined ? { payload: req.body } : {}) });
      return { status: res.statusCode, body: res.body };
    },
  });
}
