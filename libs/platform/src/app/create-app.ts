import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AppName } from '@lynx/schema';
import { OIDC_VERIFIER, TOKEN_STORE } from '../auth/auth.guard';
import type { OidcVerifier } from '../auth/oidc-verifier';
import type { TokenStore } from '../auth/token-store';
import type { LynxConfig } from '../config/config';
import { LYNX_CONFIG } from '../config/config.constants';
import { LynxLogger } from '../logger/lynx-logger';
import { METRICS_REGISTRY } from '../metrics/metrics.constants';
import { applyServerTimeouts, installRequestChecks, recordRoutes, watchBody, type BodyWatch } from './http-hardening';
import type { RawRouteRecorder, RawRoutes } from './raw-routes';

type DynamicModuleLike = Parameters<typeof NestFactory.create>[0];

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface CreateLynxAppOptions {
  /** Largest accepted request body in bytes (JSON routes); default 1 MiB. Blob routes stream instead. */
  bodyLimit?: number;
  /** Hot routes answered before Fastify (see RawRoutes); their handlers may be added after creation. */
  rawRoutes?: RawRoutes;
  /**
   * Whether a request with a body needs a known bearer token before the body is read (default
   * true). The console turns it off: its users sign in with the token in a body and then carry a
   * session cookie, which its own guard checks.
   */
  bearerBeforeBody?: boolean;
}

/**
 * Creates (not listens) a Lynx app on Fastify: pino logs, HTTP metrics, shutdown hooks.
 * The root module must import PlatformModule.forRoot({app}). Tests call `init()` and use
 * `getHttpAdapter().getInstance().inject(…)`, or listenLynxApp(app, 0).
 */
export async function createLynxApp(
  rootModule: Type<unknown> | DynamicModuleLike,
  app: AppName,
  opts: CreateLynxAppOptions = {},
): Promise<NestFastifyApplication> {
  let record: RawRouteRecorder = () => undefined;
  const raw = opts.rawRoutes;
  // Filled in from the app's config below, before it listens.
  const watch: BodyWatch = { idleMs: 0, requestMs: 0 };
  const adapter = new FastifyAdapter({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    serverFactory: (handler: FastifyHandler, o: ServerOptions) => lynxServer(raw, handler, o, (...a) => record(...a), watch),
  });
  const nest = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    // Lynx's own JSON parser (installRequestChecks) replaces Fastify's; Nest must not add a third.
    bodyParser: false,
    // Throw to the caller instead of exiting the process: a ConfigError must reach main's handler.
    abortOnError: false,
  });
  recordRoutes(nest);
  const logger = nest.get(LynxLogger);
  nest.useLogger(logger);
  nest.enableShutdownHooks();
  record = instrument(nest, app, logger, nest.get<Registry>(METRICS_REGISTRY), raw);
  const config = nest.get<LynxConfig>(LYNX_CONFIG);
  watch.idleMs = config.httpBodyIdleTimeoutMs;
  watch.requestMs = config.httpRequestTimeoutMs;
  applyServerTimeouts(nest.getHttpServer() as Server, config);
  installRequestChecks(
    nest,
    opts.bearerBeforeBody === false ? null : nest.get<string, TokenStore | null>(TOKEN_STORE, { strict: false }),
    nest.get<string, OidcVerifier | null>(OIDC_VERIFIER, { strict: false }),
  );
  return nest;
}

type FastifyHandler = Parameters<typeof createServer>[1] & {};
interface ServerOptions {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
}

/**
 * The HTTP server Fastify would create, with raw routes (if any) answered before Fastify's handler
 * and every request body watched for idle time. Node checks request timeouts every second instead
 * of its default 30 s, so a timed-out request is answered close to its deadline.
 */
function lynxServer(raw: RawRoutes | undefined, fastifyHandler: FastifyHandler, o: ServerOptions, record: RawRouteRecorder, watch: BodyWatch) {
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    watchBody(req, res, watch, server);
    const route = raw?.match(req);
    if (!route || !raw) return fastifyHandler(req, res);
    const started = performance.now();
    raw.track(res, () => record(req.method ?? 'POST', route.route, res.statusCode, (performance.now() - started) / 1000));
    route.handler(req, res);
  });
  // What Fastify sets on a server it creates itself.
  if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
  if (o.requestTimeout !== undefined) server.requestTimeout = o.requestTimeout;
  server.setTimeout(o.connectionTimeout ?? 0);
  return server;
}

function instrument(nest: NestFastifyApplication, app: AppName, logger: LynxLogger, registry: Registry, raw?: RawRoutes): RawRouteRecorder {
  const requests = new Counter({
    name: 'lynx_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lynx_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const fastify = nest.getHttpAdapter().getInstance();
  // Graceful shutdown: a keep-alive socket whose request was in flight at close would stay open
  // until keepAliveTimeout and hold close(); answering it with `Connection: close` ends it.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    raw?.close();
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    // The route pattern, not the URL, keeps label cardinality bounded.
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, seconds);
    if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
      // A hot route (the router's proxy) sets `@RouteConfig({ accessLog: 'debug' })`: a log line
      // per request at info costs more than the request itself; its metrics still count every one.
      const level = (req.routeOptions.config as { accessLog?: 'debug' | 'info' } | undefined)?.accessLog ?? 'info';
      if (logger.pino.isLevelEnabled(level)) logger.pino[level]({ app, method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });
  // Raw routes are hot: their series are looked up once (prom-client hashes the label object on
  // every call) and their access log is at debug.
  const series = new Map<string, { count: ReturnType<typeof requests.labels>; time: ReturnType<typeof duration.labels> }>();
  return (method, route, status, seconds) => {
    const key = `${method} ${route} ${status}`;
    let s = series.get(key);
    if (!s) {
      s = { count: requests.labels({ method, route, status: String(status) }), time: duration.labels({ method, route }) };
      series.set(key, s);
    }
    s.count.inc();
    s.time.observe(seconds);
    if (logger.pino.isLevelEnabled('debug')) logger.pino.debug({ app, method, url: route, status, ms: Math.round(seconds * 1000) }, 'request');
  };
}

/** Listens on the configured port (LYNX_<APP>_PORT) and host (LYNX_HOST, default 127.0.0.1); returns the URL. */
export async function listenLynxApp(nest: NestFastifyApplication, port?: number): Promise<string> {
  const config = nest.get<LynxConfig>(LYNX_CONFIG);
  await nest.listen({ port: port ?? config.port, host: config.host });
  const url = await nest.getUrl();
  nest.get(LynxLogger).log({ msg: 'listening', url, env: config.env, namespace: config.namespace }, 'Bootstrap');
  return url.replace('[::1]', '127.0.0.1');
}

/** main.ts in one line: create, listen, and on a start failure print the reason and exit 1. */
export async function runLynxApp(rootModule: Type<unknown> | DynamicModuleLike, app: AppName, opts: CreateLynxAppOptions = {}): Promise<NestFastifyApplication> {
  try {
    const nest = await createLynxApp(rootModule, app, opts);
    await listenLynxApp(nest);
    return nest;
  } catch (err) {
    process.stderr.write(`lynx ${app}: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
