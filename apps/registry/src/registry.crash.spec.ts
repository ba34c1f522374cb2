import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, watch } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, testNamespace } from '@lynx/platform/testing';
import { sha } from './registry.fixture';

const ROOT = resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** Starts the registry as a child process and resolves once it logs that it listens. */
function startChild(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/registry/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    lines.on('line', (line) => {
      if (line.includes('"listening"')) ok(child);
    });
    child.on('exit', (code) => fail(new Error(`registry exited with ${code}: ${stderr}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((ok) => (child.exitCode !== null || child.signalCode !== null ? ok() : child.once('exit', () => ok())));
}

describe('registry crash safety', () => {
  it('leaves no blob and no version when killed mid-upload, and serves what was committed after restart', async () => {
    const tmp = await makeTempDir('lynx-crash-');
    const port = await freePort();
    const ns = testNamespace('crash', { LYNX_DATA_DIR: tmp.dir, LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info' });
    const base = `http://127.0.0.1:${port}`;
    let child = await startChild(ns.env);
    try {
      const committed = 'committed weights';
      expect((await fetch(`${base}/v1/blobs/${sha(committed)}`, { method: 'PUT', body: committed, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(201);
      const reg = await fetch(`${base}/v1/models/crash/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ manifest: { files: [{ path: 'w.bin', size: committed.length, digest: sha(committed) }] }, lineage: { data: [] } }),
      });
      expect(reg.status).toBe(201);
      const version = (await reg.json()) as { digest: string };

      // Start a 8 MiB upload, send 1 MiB, and kill the registry once its temp file exists.
      const big = Buffer.alloc(8 * 1024 * 1024, 3);
      const tmpDir = join(tmp.dir, 'blobs', 'tmp');
      const tempSeen = new Promise<void>((ok) => {
        const w = watch(tmpDir, () => {
          w.close();
          ok();
        });
      });
      const req = request(`${base}/v1/blobs/${sha(big)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': big.length },
      });
      req.on('error', () => undefined);
      req.write(big.subarray(0, 1024 * 1024));
      await tempSeen;
      child.kill('SIGKILL');
      await stopped(child);
      req.destroy();

      child = await startChild(ns.env);
      expect((await fetch(`${base}/v1/blobs/${sha(big)}`, { method: 'HEAD' })).status).toBe(404);
      const show = await fetch(`${base}/v1/models/crash/versions/${version.digest}`);
      expect(show.status).toBe(200);
      expect(await (await fetch(`${base}/v1/blobs/${sha(committed)}`)).text()).toBe(committed);
      const list = (await (await fetch(`${base}/v1/models/crash/versions`)).json()) as { items: unknown[] };
      expect(list.items).toHaveLength(1);
      expect(readdirSync(tmpDir)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await stopped(child);
      await ns.cleanup();
      await tmp.cleanup();
    }
  }, 90_000);
});
