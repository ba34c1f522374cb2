import { z } from 'zod';
import { type CanaryStep, ConfigError, canaryStepSchema } from '@lynx/schema';
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
  /** Latencies kept per arm (newest first) in Redis and in the analysis state; bounds memory per canary. */
  latencySamples: number;
  /** Evaluation jobs run at once (each holds a model and the eval set in memory). */
  evalConcurrency: number;
  /** Start and stop canary analysis with the model's traffic plan (lynx.registry.traffic.changed). */
  autoCanary: boolean;
}

const int = (d: number) => z.coerce.number().int().positive().default(d);
const P = DEFAULT_CANARY_POLICY;

const schema = z.object({
  LYNX_GATE_EVAL_SET: z.string().min(1).default('data/eval/grammar-eval.jsonl'),
  LYNX_GATE_BASELINE: z.string().min(1).default('eval_baseline.json'),
  LYNX_TOKEN: z.string().min(1).optional(),
  LYNX_GATE_CANARY_INTERVAL_MS: int(60_000),
  // Argo-style steps as JSON ([{"setWeight":5},{"pause":{"measurements":2}},…]) or weights "5,25,50".
  LYNX_GATE_CANARY_STEPS: z.string().min(1).optional(),
  LYNX_GATE_CANARY_ALPHA: z.coerce.number().gt(0).lt(0.5).default(P.alpha),
  LYNX_GATE_CANARY_POWER: z.coerce.number().gt(0.5).lt(1).default(P.power),
  LYNX_GATE_CANARY_LOOKS: int(P.looks),
  LYNX_GATE_CANARY_PASS_RATE_DROP: z.coerce.number().gt(0).lt(1).default(P.passRateDrop),
  LYNX_GATE_CANARY_BASE_ERROR_RATE: z.coerce.number().gt(0).lt(1).default(P.baseErrorRate),
  LYNX_GATE_CANARY_ERROR_RATE_FACTOR: z.coerce.number().gt(1).default(P.errorRateFactor),
  LYNX_GATE_CANARY_LATENCY_ALPHA: z.coerce.number().gt(0).lt(0.5).default(P.latencyAlpha),
  LYNX_GATE_CANARY_MAX_LATENCY_RATIO: z.coerce.number().positive().default(P.maxLatencyRatio),
  LYNX_GATE_CANARY_LATENCY_SLACK_MS: z.coerce.number().nonnegative().default(P.latencySlackMs),
  LYNX_GATE_CANARY_MIN_LATENCY_SAMPLES: int(P.minLatencySamples),
  LYNX_GATE_LATENCY_SAMPLES: int(2000),
  LYNX_GATE_EVAL_CONCURRENCY: int(1),
  LYNX_GATE_AUTO_CANARY: z.enum(['true', 'false']).default('true'),
});

function parseSteps(raw: string | undefined): CanaryStep[] {
  if (raw === undefined) return P.steps;
  if (/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/.test(raw)) return raw.split(',').map(Number);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('invalid gate configuration: LYNX_GATE_CANARY_STEPS must be weights like 5,25,50 or Argo-style JSON steps');
  }
  const steps = z.array(canaryStepSchema).safeParse(parsed);
  if (!steps.success) throw new ConfigError(`invalid gate configuration: LYNX_GATE_CANARY_STEPS: ${steps.error.issues.map((i) => i.message).join('; ')}`);
  return steps.data;
}

/** Reads and validates the gate's LYNX_GATE_* settings once at start. */
export function loadGateConfig(env: NodeJS.ProcessEnv = process.env): GateConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LYNX_') && v !== '')));
  if (!parsed.success) {
    throw new ConfigError(`invalid gate configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const canaryPolicy: CanaryPolicy = {
    steps: parseSteps(e.LYNX_GATE_CANARY_STEPS),
    alpha: e.LYNX_GATE_CANARY_ALPHA,
    power: e.LYNX_GATE_CANARY_POWER,
    looks: e.LYNX_GATE_CANARY_LOOKS,
    passRateDrop: e.LYNX_GATE_CANARY_PASS_RATE_DROP,
    baseErrorRate: e.LYNX_GATE_CANARY_BASE_ERROR_RATE,
    errorRateFactor: e.LYNX_GATE_CANARY_ERROR_RATE_FACTOR,
    latencyAlpha: e.LYNX_GATE_CANARY_LATENCY_ALPHA,
    maxLatencyRatio: e.LYNX_GATE_CANARY_MAX_LATENCY_RATIO,
    latencySlackMs: e.LYNX_GATE_CANARY_LATENCY_SLACK_MS,
    minLatencySamples: e.LYNX_GATE_CANARY_MIN_LATENCY_SAMPLES,
    latencySamples: Math.max(e.LYNX_GATE_LATENCY_SAMPLES, e.LYNX_GATE_CANARY_MIN_LATENCY_SAMPLES),
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
