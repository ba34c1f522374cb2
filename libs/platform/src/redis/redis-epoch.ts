import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

/**
 * Tells whether Redis lost what it held: a marker key, set at start, that a Redis restarted
 * without persistence (or flushed) no longer has. Stores that keep aggregates in Redis check it
 * before each batch and rebuild from the event stream when it is gone. Emits `lost` once per loss.
 */
export class RedisEpoch extends EventEmitter {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {
    super();
  }

  /** Sets the marker (at start: what Redis holds now is the state to keep). */
  async mark(): Promise<void> {
    await this.redis.set(this.key, String(Date.now()));
  }

  /** True once per loss: the marker was missing, and is set again now so the next check is false. */
  async lost(): Promise<boolean> {
    const gone = (await this.redis.set(this.key, String(Date.now()), 'NX')) === 'OK';
    if (gone) this.emit('lost');
    return gone;
  }
}
