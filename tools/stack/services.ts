import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostPort, StackConfig } from './config';
import { Probe, probeNats, probePostgres, probeRedis } from './probes';

/** How to start a service locally; `daemonizes` means the binary forks and writes its own pidfile. */
export interface LocalStart {
  binary: string;
  args: string[];
  daemonizes: boolean;
  dataDir: string;
  logFile: string;
}

export interface ServiceSpec {
  name: 'nats' | 'redis' | 'postgres';
  url: string;
  probe(url: string): Promise<Probe>;
  /** Undefined for services Lynx never starts itself (Postgres belongs to the system). */
  localStart?(port: number, pidFile: string): LocalStart;
  /** What to tell the user when the service does not answer and cannot be started. */
  installHint: string;
}

export const INSTALL_HINT = 'apt-get install nats-server redis-server';

export function runDir(config: StackConfig): string {
  return path.join(config.dataDir, 'run');
}

export function pidFileOf(config: StackConfig, name: string): string {
  return path.join(runDir(config), `${name}.pid`);
}

export function services(config: StackConfig): ServiceSpec[] {
  const run = runDir(config);
  const list: ServiceSpec[] = [
    {
      name: 'nats',
      url: config.natsUrl,
      probe: probeNats,
      localStart: (port) => {
        const dataDir = path.join(config.dataDir, 'nats');
        const logFile = path.join(run, 'nats.log');
        return {
          binary: 'nats-server',
          args: ['-js', '-sd', dataDir, '-p', String(port), '-a', '127.0.0.1', '-l', logFile],
          daemonizes: false,
          dataDir,
          logFile,
        };
      },
      installHint: `nats-server is not installed. Install it (Debian/Ubuntu): ${INSTALL_HINT}`,
    },
    {
      name: 'redis',
      url: config.redisUrl,
      probe: probeRedis,
      localStart: (port, pidFile) => {
        const dataDir = path.join(config.dataDir, 'redis');
        const logFile = path.join(run, 'redis.log');
        return {
          binary: 'redis-server',
          // AOF on and noeviction: BullMQ jobs must survive a restart and never be evicted.
          args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes',
            '--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--pidfile', pidFile, '--logfile', logFile],
          daemonizes: true,
          dataDir,
          logFile,
        };
      },
      installHint: `redis-server is not installed. Install it (Debian/Ubuntu): ${INSTALL_HINT}`,
    },
  ];
  if (config.databaseUrl) {
    list.push({
      name: 'postgres',
      url: config.databaseUrl,
      probe: probePostgres,
      installHint:
        `PostgreSQL does not answer at LYNX_DATABASE_URL. Start it (Debian/Ubuntu): pg_ctlcluster ${postgresVersion()} main start, ` +
        'or unset LYNX_DATABASE_URL to use the embedded PGlite.',
    });
  }
  return list;
}

export function defaultPort(name: ServiceSpec['name']): number {
  return { nats: 4222, redis: 6379, postgres: 5432 }[name];
}

export function portOf(spec: ServiceSpec): number {
  return hostPort(spec.url, defaultPort(spec.name)).port;
}

/** The installed Debian cluster version (e.g. `15`), so the hint can be pasted as is. */
function postgresVersion(): string {
  try {
    const versions = fs.readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v));
    return versions.length === 1 ? versions[0] : '<version>';
  } catch {
    return '<version>';
  }
}
