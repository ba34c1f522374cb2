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
  /** Long-lived `ci` bearer tokens with LYNX_ENV=prod (off unless LYNX_ALLOW_CI_TOKENS=true; CI uses OIDC). */
  allowCiTokens: boolean;
  /** GitHub Actions OIDC trust policy; unset when LYNX_OIDC_ISSUER is not set. */
  oidc?: OidcConfig;
}

/**
 * Who may act as `ci` through an OIDC ID token: tokens of `issuer` for `audience`, signed by a key
 * of `jwksUrl`, from `repository`, whose `job_workflow_ref` is `workflowRef` (the deploy workflow
 * on the default branch, `owner/repo/.github/workflows/x.yml@refs/heads/main`), and, when set,
 * run in deployment `environment`.
 */
export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  repository: string;
  workflowRef: string;
  environment?: string;
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
  LYNX_ALLOW_CI_TOKENS: z.enum(['true', 'false']).default('false'),
  LYNX_OIDC_ISSUER: url(['https:', 'http:']).optional(),
  LYNX_OIDC_AUDIENCE: z.string().min(1).optional(),
  LYNX_OIDC_JWKS_URL: url(['https:', 'http:']).optional(),
  LYNX_OIDC_REPOSITORY: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'expected owner/repo' }).optional(),
  LYNX_OIDC_WORKFLOW_REF: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/\.github\/workflows\/[^@]+@refs\/heads\/.+$/, {
      message: 'expected owner/repo/.github/workflows/<file>.yml@refs/heads/<default branch>',
    })
    .optional(),
  LYNX_OIDC_ENVIRONMENT: z.string().min(1).optional(),
});

const OIDC_REQUIRED = ['LYNX_OIDC_AUDIENCE', 'LYNX_OIDC_REPOSITORY', 'LYNX_OIDC_WORKFLOW_REF'] as const;

/** The OIDC trust policy, or undefined when LYNX_OIDC_ISSUER is unset; a half-configured policy is an error. */
function oidcConfig(e: z.infer<typeof envSchema>): OidcConfig | undefined {
  if (!e.LYNX_OIDC_ISSUER) return undefined;
  const missing = OIDC_REQUIRED.filter((k) => !e[k]);
  if (missing.length) throw new ConfigError(`${missing.join(', ')}: required when LYNX_OIDC_ISSUER is set (the CI trust policy)`);
  if (!e.LYNX_OIDC_WORKFLOW_REF!.startsWith(`${e.LYNX_OIDC_REPOSITORY}/`)) {
    throw new ConfigError('LYNX_OIDC_WORKFLOW_REF: must name a workflow of LYNX_OIDC_REPOSITORY');
  }
  return {
    issuer: e.LYNX_OIDC_ISSUER,
    audience: e.LYNX_OIDC_AUDIENCE!,
    // GitHub publishes its keys at <issuer>/.well-known/jwks; the variable points elsewhere (tests, proxies).
    jwksUrl: e.LYNX_OIDC_JWKS_URL ?? `${e.LYNX_OIDC_ISSUER.replace(/\/$/, '')}/.well-known/jwks`,
    repository: e.LYNX_OIDC_REPOSITORY!,
    workflowRef: e.LYNX_OIDC_WORKFLOW_REF!,
    environment: e.LYNX_OIDC_ENVIRONMENT,
  };
}

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
    allowCiTokens: e.LYNX_ALLOW_CI_TOKENS === 'true',
    oidc: oidcConfig(e),
  };
}
