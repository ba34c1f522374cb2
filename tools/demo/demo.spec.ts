import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { LynxNames } from '@lynx/platform';
import { STREAMS, type StreamKey } from '@lynx/schema';
import { stackConfig } from '../stack/config';

// `npm run demo` end to end, twice on one fresh data dir (the second run finds everything the first
// left: versions, production, semvers). Real NATS, Redis, PGlite and every service as a child process.
jest.setTimeout(6 * 60_000);

const root = path.join(__dirname, '..', '..');

interface Summary {
  run_id: string;
  experiments: Array<{ id: string; passed: boolean; manifest: string }>;
}

function runDemo(dir: string): Promise<{ code: number | null; output: string; runDir: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-r', './tools/register.js', 'tools/demo/main.ts', '--data-dir', path.join(dir, 'data'), '--runs-dir', path.join(dir, 'runs'), '--costs-md', path.join(dir, 'COSTS.md')];
    // The MLflow path has its own spec (demo-mlflow.spec.ts): its server alone takes 10-80 s to start.
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, LYNX_DEMO_MLFLOW: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const runDir = /manifests (\S+)/.exec(output)?.[1] ?? '';
      resolve({ code, output, runDir: path.resolve(root, runDir) });
    });
  });
}

/** The run's Redis keys and JetStream streams still there after it exited. */
async function leftBehind(namespace: string): Promise<{ keys: number; streams: string[] }> {
  const { natsUrl, redisUrl } = stackConfig();
  const redis = new Redis(redisUrl);
  const nc = await connect({ servers: natsUrl });
  try {
    // The names the services used, from the platform's own naming.
    const names = new LynxNames(namespace);
    const keys = (await redis.keys(names.redisKey('*'))).length;
    const ours = new Set((Object.keys(STREAMS) as StreamKey[]).map((k) => names.stream(k).name));
    const streams: string[] = [];
    for await (const st of (await nc.jetstreamManager()).streams.list()) if (ours.has(st.config.name)) streams.push(st.config.name);
    return { keys, streams };
  } finally {
    redis.disconnect();
    await nc.close();
  }
}

function manifest(runDir: string, id: string): any {
  return JSON.parse(fs.readFileSync(path.join(runDir, id, 'manifest.json'), 'utf8'));
}

describe('npm run demo', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lynx-demo-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([['a fresh data dir'], ['the same data dir again']])('passes all five experiments on %s, with their figures', async () => {
    const { code, output, runDir } = await runDemo(dir);
    const summaryFile = path.join(runDir, 'summary.json');
    if (!fs.existsSync(summaryFile)) {
      // The demo stopped before its summary (a service that never became ready): show why.
      const services = path.join(runDir, 'services.log');
      const tail = (text: string) => text.split('\n').filter((l) => !l.startsWith('{"level"')).slice(-40).join('\n');
      const log = fs.existsSync(services) ? fs.readFileSync(services, 'utf8').split('\n').slice(-40).join('\n') : '(no services.log)';
      throw new Error(`demo exited ${code} without a summary\n--- output\n${tail(output)}\n--- services.log\n${log}`);
    }
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary;
    // On failure, name each failed check with its detail so a CI log says why without the run dir.
    const failed = summary.experiments
      .filter((e) => !e.passed)
      .map((e) => {
        const m = manifest(runDir, e.id);
        return { id: e.id, error: m.error, checks: m.checks.filter((c: { passed: boolean }) => !c.passed) };
      });
    expect({ code, failed }).toEqual({ code: 0, failed: [] });
    expect(output).toMatch(/demo: all 5 experiments passed/);
    expect(output).toMatch(/MLflow path: skipped \(LYNX_DEMO_MLFLOW=0\)/);
    expect(summary.experiments.map((e) => e.id)).toEqual(['1-registry-round-trip', '2-shadow', '3-drift', '4-finops', '5-deploy-gate']);
    for (const e of summary.experiments) {
      const m = manifest(runDir, e.id);
      expect(m).toMatchObject({ passed: true, run_id: summary.run_id });
      expect(m.inputs.every((a: { digest: string }) => /^sha256:[0-9a-f]{64}$/.test(a.digest))).toBe(true);
      expect(m.commands.length).toBeGreaterThan(0);
      expect(m.commands.every((c: { command: string }) => /^(LYNX_TOKEN=\S+ )?lynx |^curl /.test(c.command))).toBe(true);
    }

    const variants = manifest(runDir, '1-registry-round-trip').figures.variants;
    for (const v of ['base', 'int8', 'lora', 'regressed']) expect(variants[v].retrain_digest).toBe(variants[v].digest);
    expect(variants.lora.parent_digest).toBe(variants.base.digest);

    const shadow = manifest(runDir, '2-shadow').figures;
    expect(shadow.requests.ok).toBeGreaterThanOrEqual(2000);
    expect(shadow.shadow_share).toBeGreaterThan(0.07);
    expect(shadow.shadow_share).toBeLessThan(0.13);

    const drift = manifest(runDir, '3-drift').figures;
    expect(drift.shifted.decision).toBe('retrain');
    expect(drift.candidate.lineage.params.drift_report_id).toBe(drift.shifted.report);

    const rows = manifest(runDir, '4-finops').figures.rows as Array<{ version: string; cpqu: number | null }>;
    for (const v of ['base', 'int8', 'lora', 'regressed']) expect(rows.find((r) => r.version === v)?.cpqu).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(dir, 'COSTS.md'), 'utf8')).toContain(variants.lora.digest.slice(7, 19));

    const gate = manifest(runDir, '5-deploy-gate').figures;
    expect(gate.regressed.failing_buckets).toContain('tense.past_participle');
    expect(gate.regressed.production_after).toBe(gate.regressed.production_before);
    expect(gate.rollback.router_serves_base_ms).toBeLessThanOrEqual(1000);

    // The run cleaned up after itself: no streams, no dedup marks, rollups or queues in Redis.
    const namespace = /namespace (demo_\w+)/.exec(output)?.[1];
    expect(namespace).toBeDefined();
    expect(await leftBehind(namespace!)).toEqual({ keys: 0, streams: [] });
  });
});
