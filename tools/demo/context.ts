import { InProcessCli, lynxStep, type CliResult } from './cli';
import type { Manifest } from './manifest';
import { type DemoRole, type DemoSetup, url } from './setup';
import type { DemoNats } from './wait';

export const MODEL = 'grammar-tutor';
export const VARIANTS = ['base', 'int8', 'lora', 'regressed'] as const;
export type DemoVariant = (typeof VARIANTS)[number];

/** What experiments share: where things are, who to be, and what earlier experiments produced. */
export interface DemoContext {
  setup: DemoSetup;
  cli: InProcessCli;
  nats: DemoNats;
  urls: { registry: string; router: string; modelServer: string; drift: string; cost: string };
  /** Bundle folders and digests from experiment 1. */
  bundles: Partial<Record<DemoVariant, { dir: string; digest: string }>>;
  /** Set by experiment 3: the candidate the drift worker's retrain job registered. */
  retrained?: { digest: string; reportId: string };
  /** The run's own MLflow tracking server, when the Python venv exists (the registry mirrors into it). */
  mlflow?: { url: string };
  /** Requests the registry had counted before this run's traffic (a reused data dir keeps earlier runs'). */
  servedBefore: number;
  /** Prints one progress line. */
  say: (line: string) => void;
}

export function urlsOf(s: DemoSetup): DemoContext['urls'] {
  return { registry: url(s.ports.registry), router: url(s.ports.router), modelServer: url(s.ports.modelServer), drift: url(s.ports.drift), cost: url(s.ports.cost) };
}

/** `lynx …` in process as `role`, recorded in the manifest. */
export function lynx(ctx: DemoContext, m: Manifest, role: DemoRole, args: string[], expect = 0): Promise<CliResult> {
  return lynxStep(ctx.cli, m, args, { role, expect, env: { LYNX_TOKEN: ctx.setup.tokens[role] } });
}

/**
 * One REST call as `role`, recorded in the manifest as the curl line a user would type.
 * Throws with the service's error body on a status other than `expect` (default: any 2xx).
 */
export async function http<T = any>(
  ctx: DemoContext,
  m: Manifest | undefined,
  role: DemoRole | undefined,
  method: string,
  target: string,
  body?: unknown,
  opts: { expect?: number; equivalent?: string; record?: boolean } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const t0 = Date.now();
  const res = await fetch(target, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(role ? { authorization: `Bearer ${ctx.setup.tokens[role]}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const ok = opts.expect === undefined ? res.ok : res.status === opts.expect;
  if (m && opts.record !== false) {
    const curl = `curl -X ${method} ${role ? `-H "authorization: Bearer $LYNX_${role.toUpperCase()}_TOKEN" ` : ''}${body === undefined ? '' : `-H 'content-type: application/json' -d '${JSON.stringify(body)}' `}${target}`;
    m.step({ command: opts.equivalent ? `${opts.equivalent}   # ${curl}` : curl, ms: Date.now() - t0, ok, output: `HTTP ${res.status}` });
  }
  if (!ok) throw new Error(`${method} ${target} answered ${res.status}: ${text.slice(0, 400)}`);
  return { status: res.status, body: parsed as T, headers: res.headers };
}
