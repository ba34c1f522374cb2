// Test and bench fixture: a real `mlflow server` (sqlite backend store, local artifact
// destination, artifact proxy on) on a free port with a folder of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port';
import { makeTempDir } from './fixtures';
import { pythonToolEnv, venvBin } from './python-venv';

export interface MlflowServer {
  url: string;
  dir: string;
  /** Stops the server, keeping its store, so restart() brings the same data back. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** `port`: one the caller picked (to hand its URL out before the server answers), else a free one. */
export async function startMlflowServer(opts: { backendStoreUri?: string; timeoutMs?: number; port?: number } = {}): Promise<MlflowServer> {
  const tmp = await makeTempDir('lynx-mlflow-');
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'server',
    '--backend-store-uri', opts.backendStoreUri ?? `sqlite:///${join(tmp.dir, 'mlflow.db')}`,
    '--artifacts-destination', join(tmp.dir, 'mlartifacts'),
    '--serve-artifacts',
    '--host', '127.0.0.1',
    '--port', String(port),
    '--workers', '1',
  ];
  let proc: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    log = '';
    // MLflow takes a lock file in the temp dir when it creates its tables (db_init_lock-<hash>); in
    // the server's own dir it goes when the dir does.
    proc = spawn(venvBin('mlflow'), args, { cwd: tmp.dir, env: pythonToolEnv({ TMPDIR: tmp.dir }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const keep = (d: Buffer) => (log = (log + d.toString()).slice(-4000));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`mlflow server exited with ${proc.exitCode}: ${log}`);
      const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`mlflow server did not answer /health on ${url}: ${log}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  // The server forks gunicorn/uvicorn workers: signal the whole process group.
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((done) => {
      p.once('exit', () => done());
      try {
        process.kill(-p.pid!, 'SIGTERM');
      } catch {
        done();
      }
    });
  };
  process.once('exit', () => {
    try {
      if (proc?.pid) process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  await start();
  return {
    url,
    dir: tmp.dir,
    kill,
    restart: start,
    async stop() {
      await kill();
      await tmp.cleanup();
    },
  };
}
