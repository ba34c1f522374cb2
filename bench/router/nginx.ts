// nginx as the router bench's reference proxy: a plain HTTP/1.1 reverse proxy in front of the same
// zero-work upstream, measured with the same load in the same run. What it costs over direct is
// what any proxy costs on this machine (an extra hop, its CPU competing for the same cores), so the
// router's figures can be read against it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@lynx/platform/testing';

export const NGINX_MISSING = 'nginx not on PATH: reference proxy skipped (apt-get install nginx-light)';

export interface ReferenceProxy {
  /** Same path as the upstream's base URL, so the direct request paths work unchanged. */
  url: string;
  version: string;
  /** The one worker process: it does all the proxying (the master only supervises). */
  workerPid: number;
  stop(): Promise<void>;
}

/** `nginx -V` output (version and build flags), or undefined when nginx is not on PATH. */
function nginxBuild(): string | undefined {
  const r = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  return r.error ? undefined : r.stderr;
}

function config(dir: string, port: number, upstream: URL, build: string): string {
  // Every temp path nginx creates at start goes in the temp dir (a module built out has none).
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].filter((m) => m === 'client_body' || !build.includes(`--without-http_${m}_module`));
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
lock_file ${dir}/nginx.lock;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
${temps.map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n')}
  # Connections are reused for the whole run on both sides, as the router's are (nginx closes
  # them after 1000 requests by default).
  keepalive_requests 1000000;
  upstream primary {
    server ${upstream.host};
    keepalive 64;
    keepalive_requests 1000000;
    # Below the upstream's own idle timeout, so nginx never reuses a connection the upstream is
    # closing (a POST is not retried).
    keepalive_timeout 30s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://primary;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/** Pids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the second field after the command name (which may contain spaces).
      if (Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      /* process gone */
    }
  }
  return out;
}

const accepts = (port: number) =>
  new Promise<boolean>((ok) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), ok(true)));
    s.once('error', () => ok(false));
  });

/** Starts nginx in front of `upstreamUrl`; undefined when nginx is not installed. */
export async function startNginx(upstreamUrl: string, timeoutMs = 10_000): Promise<ReferenceProxy | undefined> {
  const build = nginxBuild();
  if (build === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'lynx-bench-nginx-'));
  // Run as root, the worker drops to nobody and must reach its temp paths.
  chmodSync(dir, 0o755);
  const upstream = new URL(upstreamUrl);
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), config(dir, port, upstream, build));
  const proc = spawn('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  // SIGTERM, not SIGKILL: the master then takes its worker down with it.
  const killOnExit = () => proc.kill('SIGTERM');
  process.once('exit', killOnExit);
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = () =>
    new Promise<void>((done) => {
      process.removeListener('exit', killOnExit);
      const cleanUp = () => (rmSync(dir, { recursive: true, force: true }), done());
      if (proc.exitCode !== null || proc.signalCode !== null) return cleanUp();
      proc.once('exit', cleanUp);
      proc.kill('SIGTERM');
    });
  const deadline = Date.now() + timeoutMs;
  let workers: number[] = [];
  while (!(await accepts(port)) || (workers = childrenOf(proc.pid!)).length === 0) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000);
      } catch {
        /* no log yet */
      }
      await stop();
      throw new Error(`nginx did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    version: /nginx\/(\S+)/.exec(build)?.[1] ?? '?',
    workerPid: workers[0],
    stop,
  };
}
