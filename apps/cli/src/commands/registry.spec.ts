import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleDigest } from '@lynx/bundle';
import { makeTempDir, testNamespace, type TestNamespace } from '@lynx/platform/testing';
import { buildProgram } from '../program';
import { safeTarget } from '../registry/transfer';

const ROOT = resolve(__dirname, '../../../..');

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function startRegistry(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/registry/src/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout! }).on('line', (line) => line.includes('"listening"') && ok(child));
    child.on('exit', (code) => fail(new Error(`registry exited ${code}: ${stderr}`)));
  });
}

/** Runs `lynx …` in process and returns what it printed. */
async function lynx(...args: string[]): Promise<string> {
  let printed = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'lynx', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed;
}

describe('lynx registry commands against a running registry', () => {
  let child: ChildProcess;
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const saved = { ...process.env };

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-cli-registry-');
    const port = await freePort();
    ns = testNamespace('cli', { LYNX_DATA_DIR: join(tmp.dir, 'data'), LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info' });
    child = await startRegistry(ns.env);
    process.env.LYNX_REGISTRY_URL = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await new Promise((ok) => child.once('exit', ok));
    await ns?.cleanup();
    await tmp?.cleanup();
  });

  it('pushes a bundle with its run lineage, pulls it back verified, promotes and rolls back', async () => {
    const bundle = join(tmp.dir, 'lora');
    await mkdir(join(bundle, 'adapter'), { recursive: true });
    await writeFile(join(bundle, 'adapter', 'weights.bin'), Buffer.alloc(4096, 9));
    await writeFile(join(bundle, 'config.json'), '{"variant":"lora"}');
    await writeFile(`${bundle}.run.json`, JSON.stringify({ run_id: 'run-7', code_commit: 'abc123', params: { seed: 42, lr: 0.1 }, data: { path: 'corpus.jsonl', digest: `sha256:${'1'.repeat(64)}` }, metrics: { train_items: 90 } }));
    const digest = await bundleDigest(bundle);
    expect((await lynx('push', bundle, '--model', 'tutor', '--data', `eval=sha256:${'2'.repeat(64)}`)).trim()).toBe(digest);
    expect((await lynx('push', bundle, '--model', 'tutor')).trim()).toBe(digest);

    const shown = JSON.parse(await lynx('show', `tutor@${digest.slice(7, 20)}`));
    expect(shown.lineage).toMatchObject({ run_id: 'run-7', code_commit: 'abc123', params: { seed: 42, lr: 0.1 } });
    expect(shown.lineage.data.map((d: { name: string }) => d.name).sort()).toEqual(['corpus.jsonl', 'eval']);
    expect(shown.metrics).toEqual({ train_items: 90 });

    const target = join(tmp.dir, 'pulled');
    expect((await lynx('pull', `tutor@${digest}`, target)).trim()).toBe(digest);
    expect(await bundleDigest(target)).toBe(digest);
    expect(await readFile(join(target, 'config.json'), 'utf8')).toBe('{"variant":"lora"}');
    await expect(lynx('pull', `tutor@${digest}`, target)).rejects.toThrow(/not empty/);

    expect(await lynx('models')).toMatch(/tutor\s+1/);
    expect(await lynx('versions', 'tutor')).toContain(digest.slice(7, 19));
    expect(await lynx('promote', `tutor@${digest}`, 'v0.1.0-dev', '--reason', 'first')).toContain('v0.1.0-dev');
    await expect(lynx('promote', `tutor@${digest}`, 'v0.2.0', '--reason', 'x')).rejects.toThrow(/verdict_required[\s\S]*lynx gate promote/);
    await expect(lynx('rollback', 'tutor', '--reason', 'x')).rejects.toThrow(/rollback_target_invalid/);
    expect(await lynx('history', 'tutor')).toMatch(/promote\s+-\s+[0-9a-f]{12}\s+v0\.1\.0-dev/);
    await expect(lynx('show', 'tutor@nightly')).rejects.toThrow(/alias_not_found/);
  }, 60_000);

  it('refuses manifest paths that would write outside the folder', () => {
    for (const path of ['../x', '/etc/passwd', 'a/../../b', 'a\\..\\b']) {
      expect(() => safeTarget('/tmp/target', path)).toThrow();
    }
    expect(safeTarget('/tmp/target', 'a/b.bin')).toBe(resolve('/tmp/target/a/b.bin'));
  });
});
