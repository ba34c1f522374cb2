import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeTempDir, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';

// The Justfile's recipes run by the real `just` (npm's rust-just) against a real registry.
jest.setTimeout(120_000);

const REPO = resolve(__dirname, '../..');
const JUST = join(REPO, 'node_modules', '.bin', 'just');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: REPO, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('Justfile', () => {
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const model = `just-${Date.now().toString(36)}`;
  const digests: string[] = [];
  const env = (role: 'trainer' | 'operator' | 'reader') => ({ LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens[role], LYNX_MODEL: model });
  const production = async () => {
    const res = await registry.call('GET', `/v1/models/${model}/versions/production`, undefined, 'reader');
    return (res.body as { digest?: string }).digest;
  };

  beforeAll(async () => {
    [registry, tmp] = await Promise.all([startRegistryChild({ prefix: 'just' }), makeTempDir('lynx-just-')]);
    for (const n of [1, 2, 3]) {
      const dir = join(tmp.dir, `v${n}`);
      await mkdir(dir);
      await writeFile(join(dir, 'weights.txt'), `weights ${n}\n`);
      const push = await run(process.execPath, ['tools/bin/lynx.js', 'push', dir, '--model', model], env('trainer'));
      expect(push.code).toBe(0);
      digests.push(push.stdout.match(/sha256:[0-9a-f]{64}/)![0]);
      const promote = await run(process.execPath, ['tools/bin/lynx.js', 'promote', `${model}@${digests[n - 1]}`, `v0.${n}.0-dev.1`, "--reason", "dev build"], env('trainer'));
      expect(promote.stderr).not.toMatch(/^error/m);
      expect(promote.code).toBe(0);
    }
  });
  afterAll(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('lists every recipe the workflow and the README name', async () => {
    const list = await run(JUST, ['--list'], {});
    expect(list.code).toBe(0);
    for (const recipe of ['rollback', 'register-model', 'promote', 'demo', 'test', 'drift', 'costs']) {
      expect(list.stdout).toMatch(new RegExp(`^\\s+${recipe}\\b`, 'm'));
    }
  });

  it('`just rollback` walks production back one version, `just rollback <sha>` to the named one', async () => {
    expect(await production()).toBe(digests[2]);
    const back = await run(JUST, ['rollback'], env('operator'));
    expect(back.stderr).not.toMatch(/error/i);
    expect(back.code).toBe(0);
    expect(await production()).toBe(digests[1]);

    const named = await run(JUST, ['rollback', digests[0], 'back to the first'], env('operator'));
    expect(named.code).toBe(0);
    expect(await production()).toBe(digests[0]);
    const history = await registry.call('GET', `/v1/models/${model}/aliases/production/history`, undefined, 'reader');
    expect(JSON.stringify(history.body)).toContain('back to the first');
  });

  it('refuses a rollback by a reader and leaves production where it was', async () => {
    const before = await production();
    const refused = await run(JUST, ['rollback', digests[2]], env('reader'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/403|forbidden|role/i);
    expect(await production()).toBe(before);
  });

  it('passes arguments as data, never as shell: a hostile sha reaches the registry as one refused ref', async () => {
    const before = await production();
    const hostile = await run(JUST, ['rollback', '$(touch pwned); x'], env('operator'));
    expect(hostile.code).not.toBe(0);
    expect(await production()).toBe(before);
    await expect(run('test', ['-e', join(REPO, 'pwned')], {})).resolves.toMatchObject({ code: 1 });
  });

  it('`just register-model` warns that it is not the CI path', async () => {
    const res = await run(JUST, ['register-model', 'no-such-run'], { ...env('trainer'), LYNX_MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' });
    expect(res.stderr).toContain('not the CI path');
    expect(res.code).not.toBe(0);
  });
});
