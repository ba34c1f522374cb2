import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '@lynx/platform/testing';

/** The roles the demo acts as; each gets its own bearer token so the registry checks every role. */
export const DEMO_ROLES = ['reader', 'trainer', 'operator', 'ci', 'admin'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

export interface DemoSetup {
  runId: string;
  root: string;
  /** Persistent state shared by every run (registry database and blobs, model-server cache). */
  dataDir: string;
  /** This run's scratch space: bundles, pulled copies, tokens, upstreams file. */
  workDir: string;
  /** runs/<run id>: the manifests. */
  runDir: string;
  /** Isolates this run's NATS subjects/streams, Redis keys and BullMQ queues from every other run. */
  namespace: string;
  tokens: Record<DemoRole, string>;
  tokensFile: string;
  ports: Record<'registry' | 'router' | 'modelServer' | 'drift' | 'cost' | 'gate' | 'console', number>;
  costsMd: string;
}

export interface SetupOptions {
  root: string;
  dataDir?: string;
  runsDir?: string;
  costsMd?: string;
}

/** Run id: sortable UTC time plus a short random suffix (two runs in one second still differ). */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}


export async function prepare(opts: SetupOptions): Promise<DemoSetup> {
  const runId = newRunId();
  const dataDir = path.resolve(opts.root, opts.dataDir ?? path.join('.lynx', 'demo'));
  const workDir = path.join(dataDir, 'work', runId);
  const runDir = path.resolve(opts.root, opts.runsDir ?? 'runs', runId);
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(runDir, { recursive: true });
  const tokens = Object.fromEntries(DEMO_ROLES.map((r) => [r, `lynx-demo-${r}-${randomBytes(12).toString('hex')}`])) as Record<DemoRole, string>;
  const tokensFile = path.join(workDir, 'tokens.json');
  const entries = DEMO_ROLES.map((role) => ({ sha256: createHash('sha256').update(tokens[role]).digest('hex'), role, name: `demo-${role}` }));
  fs.writeFileSync(tokensFile, `${JSON.stringify({ tokens: entries }, null, 2)}\n`, { mode: 0o600 });
  const ports = { registry: await freePort(), router: await freePort(), modelServer: await freePort(), drift: await freePort(), cost: await freePort(), gate: await freePort(), console: await freePort() };
  return {
    runId,
    root: opts.root,
    dataDir,
    workDir,
    runDir,
    namespace: `demo_${runId.toLowerCase().replace(/[^a-z0-9]/g, '_')}`,
    tokens,
    tokensFile,
    ports,
    costsMd: path.resolve(opts.root, opts.costsMd ?? path.join('docs', 'COSTS.md')),
  };
}

export const url = (port: number) => `http://127.0.0.1:${port}`;
