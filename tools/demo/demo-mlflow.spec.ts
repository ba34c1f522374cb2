import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mlflowPath } from './mlflow-path';

// The demo's MLflow path on its own (`--only 6-mlflow`): a real mlflow server from the Python venv,
// the registry mirroring into it, MLflow's Python client resolving production. demo.spec.ts runs
// the other five experiments with the path switched off.
jest.setTimeout(8 * 60_000);

const root = path.join(__dirname, '..', '..');

function runDemo(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; runDir: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-r', './tools/register.js', 'tools/demo/main.ts', '--only', '6-mlflow', '--data-dir', path.join(dir, 'data'), '--runs-dir', path.join(dir, 'runs'), '--costs-md', path.join(dir, 'COSTS.md')];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, runDir: path.resolve(root, /manifests (\S+)/.exec(output)?.[1] ?? '') }));
  });
}

describe('the demo\'s MLflow path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lynx-demo-mlflow-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is skipped with one line saying how to enable it when the venv has no mlflow, or when switched off', () => {
    const empty = path.join(dir, 'no-venv');
    expect(mlflowPath({ LYNX_VENV: empty })).toEqual({ on: false, line: expect.stringContaining('bash tools/python/venv.sh') });
    expect(mlflowPath({ LYNX_DEMO_MLFLOW: '0' })).toEqual({ on: false, line: 'MLflow path: skipped (LYNX_DEMO_MLFLOW=0)' });
  });

  it('trains with --mlflow, pushes with --mlflow-run, and MLflow resolves production to the Lynx digest', async () => {
    const { code, output, runDir } = await runDemo(dir, { LYNX_DEMO_MLFLOW: '1' });
    const file = path.join(runDir, '6-mlflow', 'manifest.json');
    if (!fs.existsSync(file)) throw new Error(`demo exited ${code} without the MLflow manifest:\n${output.split('\n').slice(-30).join('\n')}`);
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect({ code, error: m.error, failed: m.checks.filter((c: { passed: boolean }) => !c.passed) }).toEqual({ code: 0, error: undefined, failed: [] });
    expect(output).toMatch(/MLflow path: on/);
    expect(output).toMatch(/demo: all 1 experiment passed/);
    const f = m.figures.mlflow;
    expect(f.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(f.production.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Lynx's production, MLflow's production alias (its lynx.digest tag) and the bytes MLflow's client downloads agree.
    expect(f.mlflow_production).toMatchObject({ lynx_digest: f.production.digest, resolved_digest: f.production.digest });
    expect(f.pushed_digest).toBe(f.production.digest);
    expect(f.check).toMatch(/^MLflow agrees with Lynx on grammar-tutor/);
    expect(output).toMatch(/production\s+sha256:[0-9a-f]{12}…\s+\d+\s+sha256:[0-9a-f]{12}…\s+sha256:[0-9a-f]{12}…/);
    expect(m.commands.map((c: { command: string }) => c.command)).toEqual(
      expect.arrayContaining([expect.stringMatching(/lynx train .*--mlflow/), expect.stringMatching(/lynx push --mlflow-run [0-9a-f]{32}/), expect.stringMatching(/lynx mlflow check grammar-tutor/)]),
    );
  });
});
