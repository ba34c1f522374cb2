import { z } from 'zod';
import { ConfigError } from '@lynx/schema';
import { type CanaryPolicy, DEFAULT_CANARY_POLICY, validateCanaryPolicy } from '@lynx/gate';

/** Nest token of the gate's own settings (beside the platform's LynxConfig). */
export const GATE_CONFIG = 'LYNX_GATE_CONFIG';

export interface GateConfig {
  evalSet: string;
  baseline: string;
  /** The gate's own registry token, role `gate`: records the verdicts it measured, moves canary weights, promotes a completed canary. */
  registryToken?: string;
  canaryIntervalMs: number;
  canaryPolicy: CanaryPolicy;
  /** Latencies kept per arm for p99 (newest first); bounds Redis memory per canary. */
  latencySamples: number;
  /** Evaluation jobs run at once (each holds a model and the eval set in memory). */
  evalConcurrency: number;
  /** Start and stop canary analysis with the model's traffic plan (lynx.registry.traffic.changed). */
  autoCanary: boolean;
}

const int = (d: number) => z.coerce.number().int().positive().default(d);
const frac = (d: number) => z.coerce.number().min(0).max(1).default(d);

const schema = z.object({
  LYNX_GATE_EVAL_SET: z.string().min(1).default('data/eval/grammar-eval.jsonl'),
  LYNX_GATE_BASELINE: z.string().min(1).default('eval_baseline.json'),
  LYNX_TOKEN: z.string().min(1).optional(),
  LYNX_GATE_CANARY_INTERVAL_MS: int(60_000),
  LYNX_GATE_CANARY_STEPS: z.string().regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/).default(DEFAULT_CANARY_POLICY.steps.join(',')),
  LYNX_GATE_CANARY_FAILURE_LIMIT: int(DEFAULT_CANARY_POLICY.failureLimit),
  LYNX_GATE_CANARY_MIN_REQUESTS: int(DEFAULT_CANARY_POLICY.minRequests),
  LYNX_GATE_CANARY_MAX_ERROR_RATE_INCREASE: frac(DEFAULT_CANARY_POLICY.maxErrorRateIncrease),
  LYNX_GATE_CANARY_MAX_LATENCY_RATIO: z.coerce.number().positive().default(DEFAULT_CANARY_POLICY.maxLatencyRatio),
  LYNX_GATE_CANARY_LATENCY_SLACK_MS: z.coerce.number().nonnegative().default(DEFAULT_CANARY_POLICY.latencySlackMs),
  LYNX_GATE_CANARY_MAX_PASS_RATE_DROP: frac(DEFAULT_CANARY_POLICY.maxPassRateDrop),
  LYNX_GATE_CANARY_PASS_RATE_ALPHA: frac(DEFAULT_CANARY_POLICY.passRateAlpha),
  LYNX_GATE_CANARY_MIN_GRADED: int(DEFAULT_CANARY_POLICY.minGraded),
  LYNX_GATE_LATENCY_SAMPLES: int(2000),
  LYNX_GATE_EVAL_CONCURRENCY: int(1),
  LYNX_GATE_AUTO_CANARY: z.enum(['true', 'false']).default('true'),
});

/** Reads and validates the gate's LYNX_GATE_* settings once at start. */
export function loadGateConfig(env: NodeJS.ProcessEnv = process.env): GateConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LYNX_') && v !== '')));
  if (!parsed.success) {
    throw new ConfigError(`invalid gate configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const canaryPolicy: CanaryPolicy = {
    steps: e.LYNX_GATE_CANARY_STEPS.split(',').map(Number),
    failureLimit: e.LYNX_GATE_CANARY_FAILURE_LIMIT,
    minRequests: e.LYNX_GATE_CANARY_MIN_REQUESTS,
    maxErrorRateIncrease: e.LYNX_GATE_CANARY_MAX_ERROR_RATE_INCREASE,
    maxLatencyRatio: e.LYNX_GATE_CANARY_MAX_LATENCY_RATIO,
    latencySlackMs: e.LYNX_GATE_CANARY_LATENCY_SLACK_MS,
    maxPassRateDrop: e.LYNX_GATE_CANARY_MAX_PASS_RATE_DROP,
    passRateAlpha: e.LYNX_GATE_CANARY_PASS_RATE_ALPHA,
    minGraded: e.LYNX_GATE_CANARY_MIN_GRADED,
  };
  try {
    validateCanaryPolicy(canaryPolicy);
  } catch (err) {
    throw new ConfigError(`invalid gate configuration: ${(err as Error).message}`);
  }
  return {
    evalSet: e.LYNX_GATE_EVAL_SET,
    baseline: e.LYNX_GATE_BASELINE,
    registryToken: e.LYNX_TOKEN,
    canaryIntervalMs: e.LYNX_GATE_CANARY_INTERVAL_MS,
    canaryPolicy,
    latencySamples: e.LYNX_GATE_LATENCY_SAMPLES,
    evalConcurrency: e.LYNX_GATE_EVAL_CONCURRENCY,
    autoCanary: e.LYNX_GATE_AUTO_CANARY === 'true',
  };
}
