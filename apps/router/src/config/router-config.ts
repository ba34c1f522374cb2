import { z } from 'zod';
import { ConfigError, serviceUrl } from '@lynx/schema';

/** Nest provider token of the RouterConfig. */
export const ROUTER_CONFIG = 'ROUTER_CONFIG';

export interface RouterConfig {
  /** Logical models the router serves; empty = every model the registry lists. */
  models: string[];
  /** lynx.upstreams.yaml: how to reach versions whose registry tags do not say (external servers). */
  upstreamsFile?: string;
  /** True when the file was named by LYNX_ROUTER_UPSTREAMS_FILE: then it must exist at start. */
  upstreamsFileRequired: boolean;
  /** How often the upstreams file is checked for changes (LYNX_ROUTER_UPSTREAMS_POLL_MS; 0: read once). */
  upstreamsPollMs: number;
  /**
   * Where a version goes when neither its tags nor the file say: Lynx's model server, asked for
   * the version's digest as the model (it loads it from the registry). Undefined: nowhere (`off`).
   */
  defaultUpstream?: string;
  /** Default per-upstream timeout (time to headers, and idle time between body chunks). */
  upstreamTimeoutMs: number;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /**
   * Publish the events (default). Off only to measure what publishing costs (bench): every event
   * is then counted in lynx_router_events_dropped_total{reason="disabled"}, never lost silently.
   */
  events: boolean;
  /** Most events waiting to be published; beyond it new events are dropped and counted. */
  eventBuffer: number;
  /** Most event publishes awaiting a JetStream ack at once. */
  eventConcurrency: number;
  eventPublishTimeoutMs: number;
  /** How long an event may wait for others to go out with it (Kafka's linger.ms). */
  eventLingerMs: number;
  /** Consecutive failures that open an upstream's circuit, and how long it stays open. */
  breakerFailures: number;
  breakerCooldownMs: number;
  /** Full re-sync with the registry (events are the fast path; this catches what they missed). */
  refreshMs: number;
  /** Most shadow requests in flight; beyond it a mirror is skipped (and counted), never queued. */
  shadowMaxInFlight: number;
  /** Bearer token for the router's own registry reads (LYNX_TOKEN). */
  registryToken?: string;
  /** The environment read (LYNX_UPSTREAMS_FILE, LYNX_UPSTREAM_ALLOWED_HOSTS, api_key_env variables). */
  env: NodeJS.ProcessEnv;
}

const int = (min: number) => z.coerce.number().int().min(min);

const schema = z.object({
  LYNX_ROUTER_MODELS: z.string().optional(),
  LYNX_ROUTER_UPSTREAMS_FILE: z.string().min(1).optional(),
  LYNX_ROUTER_UPSTREAM_TIMEOUT_MS: int(1).default(30_000),
  LYNX_ROUTER_BODY_LIMIT: int(1024).default(1024 * 1024),
  LYNX_ROUTER_EVENTS: z.enum(['on', 'off']).default('on'),
  LYNX_ROUTER_EVENT_BUFFER: int(1).default(10_000),
  LYNX_ROUTER_EVENT_CONCURRENCY: int(1).default(256),
  LYNX_ROUTER_EVENT_PUBLISH_TIMEOUT_MS: int(1).default(2000),
  LYNX_ROUTER_EVENT_LINGER_MS: int(0).max(1000).default(5),
  LYNX_ROUTER_BREAKER_FAILURES: int(1).default(5),
  LYNX_ROUTER_BREAKER_COOLDOWN_MS: int(1).default(5000),
  LYNX_ROUTER_REFRESH_MS: int(100).default(15_000),
  LYNX_ROUTER_SHADOW_MAX_INFLIGHT: int(0).default(64),
  LYNX_ROUTER_UPSTREAMS_POLL_MS: int(0).default(1000),
  LYNX_ROUTER_DEFAULT_UPSTREAM: z.union([z.literal('off'), z.string().regex(/^https?:\/\/[^/]/, { message: 'expected an http(s) URL or off' })]).optional(),
  LYNX_TOKEN: z.string().min(1).optional(),
});

/** The default upstreams file, read when present in the working directory. */
export const DEFAULT_UPSTREAMS_FILE = 'lynx.upstreams.yaml';

/** Reads the LYNX_ROUTER_* variables; a bad value stops the router with a ConfigError naming it. */
export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const vars = Object.fromEntries(Object.entries(env).filter(([k, v]) => (k.startsWith('LYNX_ROUTER_') || k === 'LYNX_TOKEN') && v !== ''));
  const parsed = schema.safeParse(vars);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(vars[String(i.path[0])])})`);
    throw new ConfigError(`invalid router configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const models = (e.LYNX_ROUTER_MODELS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    models,
    // The default file is watched even while it does not exist, so creating it later takes effect.
    upstreamsFile: e.LYNX_ROUTER_UPSTREAMS_FILE ?? env.LYNX_UPSTREAMS_FILE ?? DEFAULT_UPSTREAMS_FILE,
    upstreamsFileRequired: (e.LYNX_ROUTER_UPSTREAMS_FILE ?? env.LYNX_UPSTREAMS_FILE) !== undefined,
    upstreamsPollMs: e.LYNX_ROUTER_UPSTREAMS_POLL_MS,
    defaultUpstream:
      e.LYNX_ROUTER_DEFAULT_UPSTREAM === 'off' ? undefined : (e.LYNX_ROUTER_DEFAULT_UPSTREAM ?? `${serviceUrl('model-server', env)}/v1`).replace(/\/+$/, ''),
    upstreamTimeoutMs: e.LYNX_ROUTER_UPSTREAM_TIMEOUT_MS,
    bodyLimit: e.LYNX_ROUTER_BODY_LIMIT,
    events: e.LYNX_ROUTER_EVENTS === 'on',
    eventBuffer: e.LYNX_ROUTER_EVENT_BUFFER,
    eventConcurrency: e.LYNX_ROUTER_EVENT_CONCURRENCY,
    eventPublishTimeoutMs: e.LYNX_ROUTER_EVENT_PUBLISH_TIMEOUT_MS,
    eventLingerMs: e.LYNX_ROUTER_EVENT_LINGER_MS,
    breakerFailures: e.LYNX_ROUTER_BREAKER_FAILURES,
    breakerCooldownMs: e.LYNX_ROUTER_BREAKER_COOLDOWN_MS,
    refreshMs: e.LYNX_ROUTER_REFRESH_MS,
    shadowMaxInFlight: e.LYNX_ROUTER_SHADOW_MAX_INFLIGHT,
    registryToken: e.LYNX_TOKEN,
    env,
  };
}
