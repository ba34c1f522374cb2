import { join } from 'node:path';
import { z } from 'zod';
import { scheduleTrigger } from '@lynx/gate';
import { ConfigError, DRIFT_COOLDOWN_WINDOWS, DRIFT_THRESHOLDS, type DriftThresholds } from '@lynx/schema';

// The drift worker's own settings (LYNX_DRIFT_*), validated once at start next to the
// platform's LynxConfig.

const DAY = 24 * 60 * 60 * 1000;

export interface DriftConfig {
  /** Window length: the repeatable close job's interval. */
  windowMs: number;
  /** Register the repeatable close job (off in tests that close windows by hand). */
  schedule: boolean;
  /** Durable JetStream consumer name; replicas sharing it share the work. */
  consumer: string;
  /** Stream to consume; unset = the namespace's LYNX_INFERENCE. */
  stream?: string;
  ackWaitMs: number;
  batchSize: number;
  /** Fewer events than this in a window → insufficient_data; unset = from the power calculation per profile (minimumWindow). */
  minCount?: number;
  /** After a retrain request, this many closed windows ask for no other for the same model. */
  cooldownWindows: number;
  reservoir: number;
  textReservoir: number;
  maxCategories: number;
  dedupTtlMs: number;
  thresholds: DriftThresholds;
  /** Where lineage data URIs resolve and data/*.lynxdata.json snapshots are looked up. */
  dataRoot: string;
  /** Where the retrain worker writes candidate bundles. */
  retrainDir: string;
  /** The gate whose evaluation job API a retrain candidate is queued on. */
  gateUrl: string;
  /** Bearer token for the gate (LYNX_TOKEN; queuing an evaluation needs role trainer). */
  token?: string;
  /** Retrain triggers besides drift, each with its own cooldown (a duration). */
  triggers: {
    /** minJudged unset: performanceMinJudged for the version's gate accuracy (power 0.95 at 5 pp past the drop). */
    performance: { maxDrop: number; alpha: number; minJudged?: number; cooldownMs: number };
    /** threshold unset: the volume trigger is off. */
    volume: { threshold?: number; cooldownMs: number };
    /** cron unset: the schedule trigger is off. */
    schedule: { cron?: string; cooldownMs: number };
  };
}

const num = z.coerce.number().positive();
const int = z.coerce.number().int().positive();

const schema = z.object({
  LYNX_DRIFT_WINDOW_MS: int.default(7 * DAY),
  LYNX_DRIFT_SCHEDULE: z.enum(['true', 'false']).default('true'),
  LYNX_DRIFT_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('drift-worker'),
  LYNX_DRIFT_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  LYNX_DRIFT_ACK_WAIT_MS: int.default(30_000),
  LYNX_DRIFT_BATCH_SIZE: int.max(5000).default(500),
  LYNX_DRIFT_MIN_COUNT: int.optional(),
  LYNX_DRIFT_COOLDOWN_WINDOWS: z.coerce.number().int().min(0).default(DRIFT_COOLDOWN_WINDOWS),
  LYNX_DRIFT_COOLDOWN_MS: z.string().optional(),
  LYNX_DRIFT_RESERVOIR: int.max(100_000).default(1000),
  LYNX_DRIFT_TEXT_RESERVOIR: int.max(100_000).default(2000),
  LYNX_DRIFT_MAX_CATEGORIES: int.max(100_000).default(1000),
  LYNX_DRIFT_DEDUP_TTL_MS: int.optional(),
  LYNX_DRIFT_PSI_WATCH: num.default(DRIFT_THRESHOLDS.psi.watch),
  LYNX_DRIFT_PSI_RETRAIN: num.default(DRIFT_THRESHOLDS.psi.retrain),
  LYNX_DRIFT_KL_WATCH: num.default(DRIFT_THRESHOLDS.kl.watch),
  LYNX_DRIFT_KL_RETRAIN: num.default(DRIFT_THRESHOLDS.kl.retrain),
  LYNX_DRIFT_JS_WATCH: num.default(DRIFT_THRESHOLDS.js.watch),
  LYNX_DRIFT_JS_RETRAIN: num.default(DRIFT_THRESHOLDS.js.retrain),
  LYNX_DRIFT_DATA_ROOT: z.string().min(1).default('.'),
  LYNX_DRIFT_RETRAIN_DIR: z.string().min(1).optional(),
  LYNX_GATE_URL: z.string().url().default('http://127.0.0.1:7102'),
  LYNX_TOKEN: z.string().min(1).optional(),
  LYNX_DRIFT_PERF_MAX_DROP: z.coerce.number().min(0).max(0.99).default(0.05),
  LYNX_DRIFT_PERF_ALPHA: z.coerce.number().gt(0).lt(1).default(0.01),
  LYNX_DRIFT_PERF_MIN_JUDGED: int.optional(),
  LYNX_DRIFT_PERF_COOLDOWN_MS: z.coerce.number().int().min(0).optional(),
  LYNX_DRIFT_VOLUME_THRESHOLD: int.optional(),
  LYNX_DRIFT_VOLUME_COOLDOWN_MS: z.coerce.number().int().min(0).optional(),
  LYNX_DRIFT_RETRAIN_CRON: z.string().min(1).optional(),
  LYNX_DRIFT_SCHEDULE_COOLDOWN_MS: z.coerce.number().int().min(0).default(0),
  LYNX_DATA_DIR: z.string().min(1).default('.lynx'),
});

export function loadDriftConfig(env: NodeJS.ProcessEnv = process.env): DriftConfig {
  const vars = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LYNX_') && v !== ''));
  const parsed = schema.safeParse(vars);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`invalid drift configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.LYNX_DRIFT_RETRAIN_CRON) {
    try {
      scheduleTrigger({ cron: e.LYNX_DRIFT_RETRAIN_CRON, since: new Date(0), now: new Date() });
    } catch (err) {
      throw new ConfigError(`LYNX_DRIFT_RETRAIN_CRON: ${(err as Error).message} (e.g. "0 3 * * 1" for Mondays 03:00 UTC)`);
    }
  }
  if (e.LYNX_DRIFT_COOLDOWN_MS !== undefined) {
    throw new ConfigError('LYNX_DRIFT_COOLDOWN_MS is no longer read: the retrain cooldown is counted in windows; set LYNX_DRIFT_COOLDOWN_WINDOWS (default 1) and unset LYNX_DRIFT_COOLDOWN_MS');
  }
  const thresholds = {
    psi: { watch: e.LYNX_DRIFT_PSI_WATCH, retrain: e.LYNX_DRIFT_PSI_RETRAIN },
    kl: { watch: e.LYNX_DRIFT_KL_WATCH, retrain: e.LYNX_DRIFT_KL_RETRAIN },
    js: { watch: e.LYNX_DRIFT_JS_WATCH, retrain: e.LYNX_DRIFT_JS_RETRAIN },
    ksPValue: DRIFT_THRESHOLDS.ksPValue,
  };
  for (const [name, t] of Object.entries(thresholds)) {
    if (typeof t === 'object' && t.watch > t.retrain) {
      throw new ConfigError(`LYNX_DRIFT_${name.toUpperCase()}_WATCH (${t.watch}) must not exceed LYNX_DRIFT_${name.toUpperCase()}_RETRAIN (${t.retrain})`);
    }
  }
  return {
    windowMs: e.LYNX_DRIFT_WINDOW_MS,
    schedule: e.LYNX_DRIFT_SCHEDULE === 'true',
    consumer: e.LYNX_DRIFT_CONSUMER,
    stream: e.LYNX_DRIFT_STREAM,
    ackWaitMs: e.LYNX_DRIFT_ACK_WAIT_MS,
    batchSize: e.LYNX_DRIFT_BATCH_SIZE,
    minCount: e.LYNX_DRIFT_MIN_COUNT,
    cooldownWindows: e.LYNX_DRIFT_COOLDOWN_WINDOWS,
    reservoir: e.LYNX_DRIFT_RESERVOIR,
    textReservoir: e.LYNX_DRIFT_TEXT_RESERVOIR,
    maxCategories: e.LYNX_DRIFT_MAX_CATEGORIES,
    dedupTtlMs: e.LYNX_DRIFT_DEDUP_TTL_MS ?? 2 * e.LYNX_DRIFT_WINDOW_MS,
    thresholds,
    dataRoot: e.LYNX_DRIFT_DATA_ROOT,
    retrainDir: e.LYNX_DRIFT_RETRAIN_DIR ?? join(e.LYNX_DATA_DIR, 'drift-retrain'),
    gateUrl: e.LYNX_GATE_URL,
    token: e.LYNX_TOKEN,
    triggers: {
      performance: {
        maxDrop: e.LYNX_DRIFT_PERF_MAX_DROP,
        alpha: e.LYNX_DRIFT_PERF_ALPHA,
        minJudged: e.LYNX_DRIFT_PERF_MIN_JUDGED,
        cooldownMs: e.LYNX_DRIFT_PERF_COOLDOWN_MS ?? e.LYNX_DRIFT_WINDOW_MS,
      },
      volume: { threshold: e.LYNX_DRIFT_VOLUME_THRESHOLD, cooldownMs: e.LYNX_DRIFT_VOLUME_COOLDOWN_MS ?? e.LYNX_DRIFT_WINDOW_MS },
      schedule: { cron: e.LYNX_DRIFT_RETRAIN_CRON, cooldownMs: e.LYNX_DRIFT_SCHEDULE_COOLDOWN_MS },
    },
  };
}

export const DRIFT_CONFIG = 'LYNX_DRIFT_CONFIG';
