// BullMQ's graceful close waits for each of its Redis clients to emit 'end'. An ioredis client that
// lost its server and is waiting out a reconnect delay never emits it when told to disconnect (its
// socket is already gone), so Worker.close() and QueueEvents.close() called in that window never
// return: taskforcesh/bullmq#4656 and #4065, open, unchanged in 6.7.6. An app closed within ~2 s of
// a Redis restart, or while Redis is down, would never finish closing. These helpers wait for such a
// client to connect again (redisOptions caps the delay at 2 s) and, if it does not, close without it.
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import type { QueueEvents, RedisClient, Worker } from 'bullmq';

/** How long a close waits for a reconnecting client: above redisOptions' 2 s cap between tries. */
export const BULL_CLOSE_GRACE_MS = 3000;

/** The value of `p`, or undefined if it has not settled by `deadline` (epoch ms). */
function before<T>(p: Promise<T> | undefined, deadline: number): Promise<T | undefined> {
  if (!p) return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()))));
  return Promise.race([p.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/** True once the client is connected, false if it is not by `deadline`. */
export function connectedBy(client: RedisClient | undefined, deadline: number): Promise<boolean> {
  if (!client) return Promise.resolve(false);
  if (client.status === 'ready') return Promise.resolve(true);
  let onReady: (() => void) | undefined;
  const ready = new Promise<boolean>((resolve) => client.once('ready', (onReady = () => resolve(true))));
  return before(ready, deadline).then((ok) => {
    if (onReady) client.off('ready', onReady);
    return ok === true;
  });
}

/**
 * Closes a worker: gracefully (in-flight jobs finish) when its clients are connected or connect
 * within `graceMs`; otherwise forced, which waits for no 'end'. A job left running by a forced
 * close keeps its lock only until the lock expires; BullMQ's stalled-job check then retries it.
 */
export async function closeWorker(worker: Worker, graceMs = BULL_CLOSE_GRACE_MS): Promise<'graceful' | 'forced'> {
  const deadline = Date.now() + graceMs;
  const clients = [await before(worker.backend.client, deadline), await before(worker.backend.blockingClient, deadline)];
  const connected = (await Promise.all(clients.map((c) => connectedBy(c, deadline)))).every(Boolean);
  await worker.close(!connected);
  return connected ? 'graceful' : 'forced';
}

/**
 * Closes a QueueEvents the same way. It has no forced close: when its client does not connect
 * in time, the client is disconnected, which clears its reconnect timer, and the QueueEvents is
 * left unclosed (its blocked read never returns, but nothing keeps the process alive).
 */
export async function closeQueueEvents(events: QueueEvents, graceMs = BULL_CLOSE_GRACE_MS): Promise<'graceful' | 'forced'> {
  const deadline = Date.now() + graceMs;
  const client = await before(events.backend.client, deadline);
  if (await connectedBy(client, deadline)) {
    await events.close();
    return 'graceful';
  }
  client?.disconnect();
  return 'forced';
}

/**
 * Closes every @Processor's worker before Nest's BullMQ module does (Nest runs all
 * beforeApplicationShutdown hooks first); its own close then finds them closed.
 */
@Injectable()
export class BullShutdown implements BeforeApplicationShutdown {
  constructor(@Inject(DiscoveryService) private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((w) => w.instance as unknown)
      .filter((i): i is WorkerHost => i instanceof WorkerHost)
      // A host whose worker was never made has nothing to close (its getter throws).
      .flatMap((h) => (h['_worker' as keyof WorkerHost] ? [h.worker] : []));
    await Promise.all(workers.map((w) => closeWorker(w)));
  }
}
