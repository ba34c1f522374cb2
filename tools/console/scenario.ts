import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { cleanupNamespace } from '@lynx/platform/testing';
import { InProcessCli } from '../demo/cli';
import { type DemoContext, MODEL, lynx, urlsOf } from '../demo/context';
import { ensureBaseProduction } from '../demo/experiments/shadow';
import { Manifest } from '../demo/manifest';
import { DemoServices } from '../demo/services';
import { prepare, url, type DemoSetup } from '../demo/setup';
import { DemoNats } from '../demo/wait';
import { stackConfig } from '../stack/config';
import { up } from '../stack/stack';

const SEED = '42';
const CORPUS = 'data/corpus';
const READY_MS = 180_000;
const PG = process.env.LYNX_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Scenario {
  ctx: DemoContext;
  m: Manifest;
  setup: DemoSetup;
  consoleUrl: string;
  stop: () => Promise<void>;
}

/** A database of its own on the machine's PostgreSQL (faster to start than an embedded one on a loaded machine). */
async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lynx_console_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new Client({ connectionString: PG });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * What the console's browser tests look at, made as the demo makes it: the stack, the registry,
 * drift worker and cost emitter; base, int8 and lora (an adapter on base) trained and pushed; the
 * model server, router, gate and console; base bootstrapped to production through the gate.
 */
export async function startScenario(root: string, dir: string, say: (line: string) => void = () => undefined): Promise<Scenario> {
  const stack = stackConfig();
  await up(stack, () => undefined);
  const setup = await prepare({ root, dataDir: path.join(dir, 'data'), runsDir: path.join(dir, 'runs'), costsMd: path.join(dir, 'COSTS.md') });
  const db = await createDatabase();
  const services = new DemoServices(setup, stack);
  let nats: DemoNats | undefined;
  const stop = async () => {
    await services.stop();
    await cleanupNamespace(setup.namespace, stack.natsUrl, stack.redisUrl).catch(() => undefined);
    await nats?.close();
    await db.drop().catch(() => undefined);
  };
  try {
    say('starting registry, drift-worker, cost-emitter');
    await services.start([{ app: 'registry', env: { LYNX_DATABASE_URL: db.url } }, { app: 'drift-worker' }, { app: 'cost-emitter' }], { readyTimeoutMs: READY_MS });
    nats = await DemoNats.open(stack.natsUrl, setup.namespace);
    const urls = urlsOf(setup);
    const ctx: DemoContext = {
      setup,
      cli: new InProcessCli(root, { LYNX_REGISTRY_URL: urls.registry, LYNX_DRIFT_URL: urls.drift, LYNX_ROUTER_URL: urls.router, LYNX_NATS_URL: stack.natsUrl, LYNX_NAMESPACE: setup.namespace }),
      nats,
      urls,
      bundles: {},
      say,
      servedBefore: 0,
    };
    const m = new Manifest(setup.runDir, setup.runId, 'console', 'console browser tests');
    for (const v of ['base', 'int8', 'lora'] as const) {
      const out = path.join(setup.workDir, 'bundles', v);
      say(`training ${v}`);
      await lynx(ctx, m, 'trainer', ['train', '--corpus', CORPUS, '--variant', v, '--out', out, '--seed', SEED, ...(v === 'lora' ? ['--base', ctx.bundles.base!.dir] : [])]);
      const digest = (await lynx(ctx, m, 'trainer', ['push', path.relative(root, out), '--model', MODEL, '--tag', `variant=${v}`])).stdout.trim();
      ctx.bundles[v] = { dir: out, digest };
    }
    // A reference profile for base, so its drift windows are compared with something.
    await lynx(ctx, m, 'trainer', ['drift', 'profile', `${MODEL}@${ctx.bundles.base!.digest}`, '--json']);
    const upstreams = path.join(setup.workDir, 'lynx.upstreams.yaml');
    const rules = (['base', 'int8', 'lora'] as const)
      .map((v) => `    - digest: "${ctx.bundles[v]!.digest}"\n      base_url: ${urls.modelServer}/v1\n      model: ${v}\n      api_key_env: LYNX_DEMO_UPSTREAM_TOKEN\n`)
      .join('');
    fs.writeFileSync(upstreams, `models:\n  ${MODEL}:\n${rules}`);
    const rel = (v: 'base' | 'int8' | 'lora') => path.relative(root, ctx.bundles[v]!.dir);
    say('starting model-server, router, gate, console');
    await services.start(
      [
        { app: 'model-server', env: { LYNX_MODEL_SERVER_MODELS: `base=${rel('base')},lora=${rel('lora')}:base,int8=${rel('int8')}` } },
        { app: 'router', env: { LYNX_ROUTER_UPSTREAMS_FILE: upstreams, LYNX_ROUTER_MODELS: MODEL, LYNX_DEMO_UPSTREAM_TOKEN: setup.tokens.reader } },
        { app: 'gate' },
        { app: 'console' },
      ],
      { readyTimeoutMs: READY_MS },
    );
    say('bootstrapping base to production');
    await ensureBaseProduction(ctx, m);
    return { ctx, m, setup, consoleUrl: url(setup.ports.console), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
