import { z } from 'zod';
import { ConfigError } from '@lynx/schema';

/** The cost emitter's own settings (LYNX_COST_*), validated at start next to the platform's. */
export interface CostConfig {
  pricesFile: string;
  windowSeconds: number;
  flushIntervalSeconds: number;
  flushGraceSeconds: number;
  retentionSeconds: number;
  catalogTtlSeconds: number;
  consumer: string;
  batchSize: number;
  token?: string;
}

const seconds = (def: number) => z.coerce.number().int().positive().default(def);

const schema = z.object({
  LYNX_PRICES_FILE: z.string().min(1).default('lynx.prices.yaml'),
  LYNX_COST_WINDOW_SECONDS: seconds(3600),
  LYNX_COST_FLUSH_INTERVAL_SECONDS: seconds(60),
  LYNX_COST_FLUSH_GRACE_SECONDS: z.coerce.number().int().nonnegative().default(120),
  LYNX_COST_RETENTION_SECONDS: seconds(7 * 24 * 3600),
  LYNX_COST_CATALOG_TTL_SECONDS: seconds(300),
  LYNX_COST_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('lynx-cost-emitter'),
  LYNX_COST_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  LYNX_TOKEN: z.string().min(1).optional(),
});

export function loadCostConfig(env: NodeJS.ProcessEnv = process.env): CostConfig {
  const vars = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LYNX_') && v !== ''));
  const parsed = schema.safeParse(vars);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.LYNX_COST_RETENTION_SECONDS < e.LYNX_COST_WINDOW_SECONDS + e.LYNX_COST_FLUSH_GRACE_SECONDS) {
    throw new ConfigError('LYNX_COST_RETENTION_SECONDS: must cover one window plus the flush grace, or rollups expire before they are posted');
  }
  return {
    pricesFile: e.LYNX_PRICES_FILE,
    windowSeconds: e.LYNX_COST_WINDOW_SECONDS,
    flushIntervalSeconds: e.LYNX_COST_FLUSH_INTERVAL_SECONDS,
    flushGraceSeconds: e.LYNX_COST_FLUSH_GRACE_SECONDS,
    retentionSeconds: e.LYNX_COST_RETENTION_SECONDS,
    catalogTtlSeconds: e.LYNX_COST_CATALOG_TTL_SECONDS,
    consumer: e.LYNX_COST_CONSUMER,
    batchSize: e.LYNX_COST_BATCH_SIZE,
    token: e.LYNX_TOKEN,
  };
}
