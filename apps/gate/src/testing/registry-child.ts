// Test fixture: the real registry app as a child process on PGlite in a temp dir, with one
// token per role. Apps may not import each other, so it runs from its main.ts.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, testNamespace, writeTokensFile } from '@lynx/platform/testing';
import type { Role } from '@lynx/schema';

export const REPO = resolve(__dirname, '../../../..');

export interface RegistryChild {
  url: string;
  tokens: Record<Role, string>;
  namespace: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

export async function startRegistryChild(): Promise<RegistryChild> {
  const tmp = await makeTempDir('lynx-gate-registry-');
  const roles: Role[] = ['reader', 'trainer', 'operator', 'ci', 'admin'];
  const tokens = Object.fromEntries(roles.map((r) => [r, `gate-test-${r}-${Math.random().toString(36).slice(2)}`])) as Record<Role, string>;
  const tokensFile = await writeTokensFile(tmp.dir, roles.map((role) => ({ token: tokens[role], role, name: `${role}-user` })));
  const port = await freePort();
  const ns = testNamespace('gate', { LYNX_DATA_DIR: join(tmp.dir, 'data'), LYNX_TOKENS_FILE: tokensFile, LYNX_REGISTRY_PORT: String(port), LYNX_LOG_LEVEL: 'info' });
  const child: ChildProcess = spawn(process.execPath, ['-r', './tools/register.js', 'apps/registry/src/main.ts'], {
    cwd: REPO,
    env: { ...process.env, ...ns.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes('"msg":"listening"')) done(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => fail(new Error(`registry exited (${code}) before listening: ${stderr.slice(-2000)}`)));
  });
  return {
    url,
    tokens,
    namespace: ns.namespace,
    env: ns.env,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await ns.cleanup();
      await tmp.cleanup();
    },
  };
}

/** Runs `lynx …` from the repository as a user would, with extra env. */
export function lynx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['tools/bin/lynx.js', ...args], { cwd: REPO, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
