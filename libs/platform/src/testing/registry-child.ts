// Test fixture: the real registry app as a child process (PGlite in a temp dir, its own port,
// namespace and tokens). Libs may not import apps, so it runs apps/registry/src/main.ts by path.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Role } from '@lynx/schema';
import { TEST_UPSTREAM_ALLOWED_HOSTS, makeTempDir, testNamespace, writeTestUpstreamsFile, writeTokensFile, type TestNamespace } from './fixtures';
import { freePort } from './free-port';

const REPO = resolve(__dirname, '../../../..');
export const ALL_ROLES: readonly Role[] = ['reader', 'trainer', 'operator', 'gate', 'ci', 'admin'];

export interface RegistryChildOptions {
  /** Namespace prefix (see testNamespace). */
  prefix?: string;
  /** One token per role in a tokens file; `[]` starts the registry with auth off. Default: every role. */
  roles?: readonly Role[];
  /** Extra env for the child (LYNX_ENV, LYNX_NAMESPACE, …); wins over the defaults. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for /readyz before giving up. */
  readyTimeoutMs?: number;
}

export interface RegistryChild {
  url: string;
  port: number;
  /** Plain bearer tokens by role (only the roles asked for are set). */
  tokens: Record<Role, string>;
  /** The child's namespace; ns.env is the env it runs with (NATS/Redis URLs, data dir, tokens file). */
  ns: TestNamespace;
  dataDir: string;
  /** The last 16 000 characters the child printed (stdout and stderr), for asserting on its logs. */
  output(): string;
  /** SIGTERM, wait for exit, then delete the namespace's streams/keys and the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit; data stays for restart(). */
  kill(): Promise<void>;
  /** Starts the registry again on the same port, data dir and namespace; resolves once ready. */
  restart(): Promise<void>;
  /** One REST call as `as` (no token when that role has none); a JSON body, or a Buffer sent as octets. */
  call(method: string, path: string, body?: unknown, as?: Role): Promise<{ status: number; body: any }>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

/** Polls `url` until it answers 200, backing off from 25 ms to 500 ms; fails early if `gone` settles first. */
export async function waitReady(url: string, timeoutMs: number, gone: Promise<string>): Promise<void> {
  let failure: string | undefined;
  void gone.then((why) => (failure = why));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    if (failure !== undefined) throw new Error(failure);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() + delay > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await Promise.race([new Promise((r) => setTimeout(r, delay)), gone]);
  }
}

export async function startRegistryChild(opts: RegistryChildOptions = {}): Promise<RegistryChild> {
  const tmp = await makeTempDir('lynx-registry-child-');
  const roles = opts.roles ?? ALL_ROLES;
  const suffix = randomBytes(6).toString('hex');
  const tokens = Object.fromEntries(roles.map((r) => [r, `test-${r}-${suffix}`])) as RegistryChild['tokens'];
  const tokensFile = roles.length ? await writeTokensFile(tmp.dir, roles.map((role) => ({ token: tokens[role], role, name: `${role}-user` }))) : '';
  const port = await freePort();
  const dataDir = join(tmp.dir, 'data');
  const ns = testNamespace(opts.prefix ?? 'reg', { LYNX_DATA_DIR: dataDir, LYNX_TOKENS_FILE: tokensFile, LYNX_REGISTRY_PORT: String(port), LYNX_UPSTREAM_ALLOWED_HOSTS: TEST_UPSTREAM_ALLOWED_HOSTS, ...opts.env });
  // The registry's own (routers spreading ns.env keep the real rules): every model has an upstream.
  const upstreamsFile = await writeTestUpstreamsFile(tmp.dir);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let tail = '';

  const launch = async () => {
    child = spawn(process.execPath, ['-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/registry/src/main.ts')], {
      cwd: REPO,
      env: { ...process.env, LYNX_UPSTREAMS_FILE: upstreamsFile, ...ns.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Keep draining both pipes (a full pipe would block the child) and the tail for error messages.
    tail = '';
    const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-16_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const gone = new Promise<string>((done) => child.once('exit', (code, signal) => done(`registry exited (${code ?? signal}) before ready: ${tail}`)));
    try {
      await waitReady(`${url}/readyz`, opts.readyTimeoutMs ?? 60_000, gone);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  };
  const kill = async () => {
    child.kill('SIGKILL');
    await exited(child);
  };

  try {
    await launch();
  } catch (err) {
    await ns.cleanup();
    await tmp.cleanup();
    throw err;
  }
  const call: RegistryChild['call'] = async (method, path, body, as = 'admin') => {
    const blob = Buffer.isBuffer(body);
    const headers: Record<string, string> = tokens[as] ? { authorization: `Bearer ${tokens[as]}` } : {};
    if (body !== undefined) headers['content-type'] = blob ? 'application/octet-stream' : 'application/json';
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : blob ? (body as Buffer) : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    port,
    tokens,
    ns,
    dataDir,
    kill,
    restart: launch,
    call,
    output: () => tail,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      await ns.cleanup();
      await tmp.cleanup();
    },
  };
}
