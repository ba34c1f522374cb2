import { isAbsolute, join } from 'node:path';
import { ConfigError } from '@lynx/schema';
import type { LynxConfig } from '@lynx/platform';

/** Nest provider token of the ModelServerConfig. */
export const MODEL_SERVER_CONFIG = 'MODEL_SERVER_CONFIG';

/** One variant to load at start, from LYNX_MODEL_SERVER_MODELS. */
export interface ModelSpec {
  /** The id clients put in `model`. */
  name: string;
  /** A bundle directory (relative to the working directory) or a registry ref `<model>@<ref>`. */
  location: string;
  /** Id of the base variant an adapter applies to (loaded before it). */
  parent?: string;
}

export interface ModelServerConfig {
  models: ModelSpec[];
  /** load_lora_adapter only reads bundle directories below this one. */
  adapterRoot: string;
  /** Where bundles pulled from the registry are kept, one folder per digest. */
  cacheDir: string;
  registryUrl: string;
  /** Bearer token for the registry (LYNX_TOKEN), when it needs one. */
  registryToken?: string;
  /** Load a registry version when a request names its digest (LYNX_MODEL_SERVER_ON_DEMAND, default on). */
  onDemand: boolean;
  /** How often versions loaded on demand that no plan names are unloaded (LYNX_MODEL_SERVER_SWEEP_MS; 0: never). */
  sweepMs: number;
  /** How long such a version must have answered nothing before it is unloaded (LYNX_MODEL_SERVER_IDLE_MS). */
  idleMs: number;
}

function msVariable(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name}: expected a whole number of milliseconds, got ${JSON.stringify(raw)}`);
  return n;
}

const NAME = '[A-Za-z0-9][A-Za-z0-9._-]{0,127}';
// name=location[@ref][:parent]; a digest ref keeps its "sha256:" so ":<hex>" is never read as a parent.
const SPEC_RE = new RegExp(`^(${NAME})=([^@,]+?)(?:@([^:@,]+(?::[0-9a-f]{64})?))?(?::(${NAME}))?$`);

/**
 * Parses LYNX_MODEL_SERVER_MODELS: comma-separated `name=location[@ref][:parent]`, e.g.
 * `base=bundles/base,lora=bundles/lora:base,int8=grammar-tutor@sha256:<hex>`.
 * `:parent` marks an adapter and names the base variant it applies to (listed before it).
 */
export function parseModelSpecs(value: string | undefined): ModelSpec[] {
  const specs: ModelSpec[] = [];
  for (const raw of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = SPEC_RE.exec(raw);
    if (!m) {
      throw new ConfigError(
        `LYNX_MODEL_SERVER_MODELS: cannot read "${raw}"; expected name=location[@sha256:<hex>][:parent], comma-separated`,
      );
    }
    const [, name, loc, ref, parent] = m;
    if (specs.some((s) => s.name === name)) throw new ConfigError(`LYNX_MODEL_SERVER_MODELS: "${name}" is listed twice`);
    if (parent && !specs.some((s) => s.name === parent)) {
      throw new ConfigError(`LYNX_MODEL_SERVER_MODELS: adapter "${name}" names base "${parent}", which must be listed before it`);
    }
    specs.push({ name, location: ref ? `${loc}@${ref}` : loc, ...(parent ? { parent } : {}) });
  }
  return specs;
}

export function loadModelServerConfig(platform: LynxConfig, env: NodeJS.ProcessEnv = process.env): ModelServerConfig {
  const root = env.LYNX_MODEL_SERVER_ADAPTER_ROOT || join(platform.dataDir, 'adapters');
  return {
    models: parseModelSpecs(env.LYNX_MODEL_SERVER_MODELS),
    adapterRoot: isAbsolute(root) ? root : join(process.cwd(), root),
    cacheDir: join(platform.dataDir, 'model-server', 'bundles'),
    registryUrl: platform.registryUrl,
    registryToken: env.LYNX_TOKEN || undefined,
    onDemand: !['off', 'false', '0'].includes((env.LYNX_MODEL_SERVER_ON_DEMAND ?? 'on').toLowerCase()),
    sweepMs: msVariable(env, 'LYNX_MODEL_SERVER_SWEEP_MS', 30_000),
    idleMs: msVariable(env, 'LYNX_MODEL_SERVER_IDLE_MS', 60_000),
  };
}
