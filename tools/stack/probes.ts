import { connect } from 'nats';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Result of asking a service whether it is usable: `detail` says why not, or what answered. */
export interface Probe {
  up: boolean;
  detail: string;
}

const TIMEOUT_MS = 1000;

/** NATS counts as up only with JetStream: Lynx's streams need it. */
export async function probeNats(url: string): Promise<Probe> {
  let nc;
  try {
    nc = await connect({ servers: url, timeout: TIMEOUT_MS, reconnect: false, maxReconnectAttempts: 0 });
  } catch (err) {
    return { up: false, detail: `no answer (${message(err)})` };
  }
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.getAccountInfo();
    return { up: true, detail: `NATS ${nc.info?.version ?? ''} with JetStream`.replace('  ', ' ') };
  } catch (err) {
    return { up: false, detail: `answers but JetStream is not enabled (${message(err)}); restart it with -js` };
  } finally {
    await nc.close().catch(() => undefined);
  }
}

export async function probeRedis(url: string): Promise<Probe> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: TIMEOUT_MS,
    retryStrategy: () => null,
  });
  let cause: unknown; // connect() rejects with a generic "Connection is closed"; the event says why
  client.on('error', (err) => (cause ??= err));
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG' ? { up: true, detail: 'Redis PING ok' } : { up: false, detail: `PING answered ${pong}` };
  } catch (err) {
    return { up: false, detail: `no answer (${message(cause ?? err)})` };
  } finally {
    // disconnect() on a connection that already ended arms a 2 s timer that keeps the process alive
    if (client.status !== 'end') client.disconnect();
  }
}

export async function probePostgres(url: string): Promise<Probe> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('select version() as version');
    return { up: true, detail: rows[0].version.split(' ').slice(0, 2).join(' ') };
  } catch (err) {
    return { up: false, detail: `no answer (${message(err)})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function message(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return message(err.errors[0]);
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.message;
  return String(err);
}
