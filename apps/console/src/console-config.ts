import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@lynx/schema';

/** Where the console finds the services it shows, and the built single-page app it serves. */
export interface ConsoleConfig {
  registryUrl: string;
  routerUrl: string;
  gateUrl: string;
  driftUrl: string;
  costUrl: string;
  /** The folder `vite build` wrote (index.html and assets/). */
  webDir: string;
  /** Labelled items the Shadow page grades both sides by. */
  evalSet: string;
  /** How long a signed-in session lasts without use. */
  sessionIdleMs: number;
}

export const CONSOLE_CONFIG = 'LYNX_CONSOLE_CONFIG';

const httpUrl = z.url({ protocol: /^https?$/ });

const schema = z.object({
  LYNX_REGISTRY_URL: httpUrl.default('http://127.0.0.1:7101'),
  LYNX_ROUTER_URL: httpUrl.default('http://127.0.0.1:7100'),
  LYNX_GATE_URL: httpUrl.default('http://127.0.0.1:7102'),
  LYNX_DRIFT_URL: httpUrl.default('http://127.0.0.1:7103'),
  LYNX_COST_EMITTER_URL: httpUrl.default('http://127.0.0.1:7104'),
  LYNX_CONSOLE_WEB_DIR: z.string().min(1).optional(),
  LYNX_CONSOLE_EVAL_SET: z.string().min(1).default(path.join('data', 'eval', 'grammar-eval.jsonl')),
  LYNX_CONSOLE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(12 * 60),
});

/**
 * The web folder: LYNX_CONSOLE_WEB_DIR, else `web/` beside the bundled main.js (the Docker image),
 * else dist/apps/console/web under the working directory (`npm start`, tests).
 */
function defaultWebDir(): string {
  const beside = path.join(__dirname, 'web');
  return fs.existsSync(path.join(beside, 'index.html')) ? beside : path.resolve('dist', 'apps', 'console', 'web');
}

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const vars = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LYNX_') && v !== ''));
  const parsed = schema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`).join('; ');
    throw new ConfigError(`invalid configuration: ${why}`);
  }
  const e = parsed.data;
  const trim = (u: string) => u.replace(/\/+$/, '');
  return {
    registryUrl: trim(e.LYNX_REGISTRY_URL),
    routerUrl: trim(e.LYNX_ROUTER_URL),
    gateUrl: trim(e.LYNX_GATE_URL),
    driftUrl: trim(e.LYNX_DRIFT_URL),
    costUrl: trim(e.LYNX_COST_EMITTER_URL),
    webDir: path.resolve(e.LYNX_CONSOLE_WEB_DIR ?? defaultWebDir()),
    evalSet: path.resolve(e.LYNX_CONSOLE_EVAL_SET),
    sessionIdleMs: e.LYNX_CONSOLE_SESSION_IDLE_MINUTES * 60_000,
  };
}
