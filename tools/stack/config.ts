import * as path from 'node:path';

/** What the local stack needs to know, read once from the environment (names as in DESIGN.md). */
export interface StackConfig {
  natsUrl: string;
  redisUrl: string;
  /** Postgres is only part of the stack when the user asked for it; unset means PGlite. */
  databaseUrl?: string;
  dataDir: string;
  /** Where to look for nats-server / redis-server besides PATH (Debian puts nats-server in /usr/sbin). */
  searchPath: string[];
}

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function stackConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StackConfig {
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return {
    natsUrl: env.LYNX_NATS_URL || 'nats://127.0.0.1:4222',
    redisUrl: env.LYNX_REDIS_URL || 'redis://127.0.0.1:6379',
    databaseUrl: env.LYNX_DATABASE_URL || undefined,
    dataDir: path.resolve(cwd, env.LYNX_DATA_DIR || '.lynx'),
    searchPath: [...pathDirs, ...SBIN_DIRS.filter((d) => !pathDirs.includes(d))],
  };
}

/** Host and port of a service URL, with the scheme's default port when the URL has none. */
export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : defaultPort };
}

/** Only a service on this machine can be started for the user; a remote one must already answer. */
export function isLocalHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '0.0.0.0';
}
