import { z } from 'zod';
import { ConfigError, PORTS, type AppName } from '@lynx/schema';

// Environment configuration, validated once at start. Every variable is LYNX_*; an invalid
// value stops the app with a ConfigError naming the variable and what it accepts.

const GiB = 1024 ** 3;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const url = (protocols: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const port = z.coerce.number().int().min(0).max(65535);

export interface LynxConfig {
  app: AppName;
  env: 'dev' | 'prod' | 'test';
  dataDir: string;
  databaseUrl?: string;
  natsUrl: string;
  redisUrl: string;
  registryUrl: string;
  tokensFile?: string;
  maxBlobBytes: number;
  logLevel: (typeof LOG_LEVELS)[number];
  host: string;
  port: number;
  /**
   * Isolates NATS subjects/streams, Redis keys and BullMQ queues: `lynx` in production,
   * a unique value per test. Subject `lynx.x.y` becomes `<namespace>.x.y`.
   */
  namespace: string;
  /** Longest time to receive a whole request, headers and body (Node's server.requestTimeout). */
  httpRequestTimeoutMs: number;
  /** Longest silence while a request body is arriving; then 408 and the connection closes. */
  httpBodyIdleTimeoutMs: number;
}

/** `LYNX_<APP>_PORT`, e.g. LYNX_MODEL_SERVER_PORT. */
export function portVariable(app: AppName): string {
  return `LYNX_${app.toUpperCase().replace(/-/g, '_')}_PORT`;
}

// An empty variable means unset, as in most shells' `VAR= cmd`.
const empty = (v: unknown) => (v === '' ? undefined : v);

const envSchema = z.object({
  LYNX_ENV: z.enum(['dev', 'prod', 'test']).default('dev'),
  LYNX_DATA_DIR: z.string().min(1).default('.lynx'),
  LYNX_DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  LYNX_NATS_URL: url(['nats:', 'tls:', 'ws:', 'wss:']).default('nats://127.0.0.1:4222'),
  LYNX_REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  LYNX_REGISTRY_URL: url(['http:', 'https:']).default('http://127.0.0.1:7101'),
  LYNX_TOKENS_FILE: z.string().min(1).optional(),
  LYNX_MAX_BLOB_BYTES: z.coerce.number().int().positive().default(8 * GiB),
  LYNX_LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  LYNX_HOST: z.string().min(1).default('127.0.0.1'),
  LYNX_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,47}$/, { message: 'expected 1-48 chars of a-z 0-9 _ - starting with a letter' })
    .default('lynx'),
  LYNX_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  LYNX_HTTP_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
});

/** Reads and validates the LYNX_* variables for one app. Throws ConfigError naming the bad variable. */
export function loadConfig(app: AppName, env: NodeJS.ProcessEnv = process.env): LynxConfig {
  if (!(app in PORTS)) throw new ConfigError(`unknown app "${app}"; expected one of ${Object.keys(PORTS).join(', ')}`);
  const portVar = portVariable(app);
  const lynxVars = Object.entries(env).filter(([k, v]) => k.startsWith('LYNX_') && v !== '');
  const parsed = envSchema.safeParse(Object.fromEntries(lynxVars));
  const parsedPort = port.default(PORTS[app]).safeParse(empty(env[portVar]));
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message }))),
    ...(parsedPort.success ? [] : parsedPort.error.issues.map((i) => ({ variable: portVar, message: i.message }))),
  ];
  if (!parsed.success || !parsedPort.success) {
    const lines = issues.map((i) => `${i.variable}: ${i.message} (got ${JSON.stringify(env[i.variable])})`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`, { issues });
  }
  const e = parsed.data;
  if (e.LYNX_ENV === 'prod' && !e.LYNX_TOKENS_FILE) {
    throw new ConfigError('LYNX_TOKENS_FILE: required when LYNX_ENV=prod (a JSON file of token hashes and roles)');
  }
  return {
    app,
    env: e.LYNX_ENV,
    dataDir: e.LYNX_DATA_DIR,
    databaseUrl: e.LYNX_DATABASE_URL,
    natsUrl: e.LYNX_NATS_URL,
    redisUrl: e.LYNX_REDIS_URL,
    registryUrl: e.LYNX_REGISTRY_URL,
    tokensFile: e.LYNX_TOKENS_FILE,
    maxBlobBytes: e.LYNX_MAX_BLOB_BYTES,
    logLevel: e.LYNX_LOG_LEVEL ?? (e.LYNX_ENV === 'test' ? 'warn' : 'info'),
    host: e.LYNX_HOST,
    port: parsedPort.data,
    namespace: e.LYNX_NAMESPACE,
    httpRequestTimeoutMs: e.LYNX_HTTP_REQUEST_TIMEOUT_MS,
    httpBodyIdleTimeoutMs: e.LYNX_HTTP_BODY_IDLE_TIMEOUT_MS,
  };
}
