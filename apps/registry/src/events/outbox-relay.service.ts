import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EventPublisher, LynxLogger } from '@lynx/platform';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';

const BATCH = 100;
/** Idle poll: picks up rows another replica (or a crash before publish) left behind. */
const IDLE_POLL_MS = 1000;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5000;
const PUBLISH_TIMEOUT_MS = 2000;
/**
 * Published rows are kept a day (far past JetStream's duplicate window, so a late re-publish is
 * still recognised as one) and then deleted, checked hourly; the audit table is the history.
 */
const PUBLISHED_RETENTION_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

/**
 * Publishes the outbox (events written in the transaction of their change) to JetStream, in id
 * order, with Nats-Msg-Id = event id, and marks each row published. While NATS is down it retries
 * with exponential backoff; the rows wait in the database, so no event is lost. A commit in this
 * process wakes it at once (store.onEventsCommitted), so an event normally leaves within ms.
 *
 * A crash between publish and mark re-publishes the row at restart: JetStream drops the repeat
 * within the stream's duplicate window (Nats-Msg-Id), so consumers still see it once. Several
 * replicas each run a relay; they may publish the same row twice (dropped the same way), but only
 * a single relay guarantees order across replicas' rows.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = false;
  private dirty = true;
  private wake?: () => void;
  private loop?: Promise<void>;
  private failing = false;
  private unsubscribe?: () => void;
  private prunedAt = 0;

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.store.onEventsCommitted(() => this.notify());
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  /** Asks the relay to look at the outbox now. */
  notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!this.stopped) {
      let published = 0;
      try {
        this.dirty = false;
        published = await this.publishBatch();
        backoff = BACKOFF_MIN_MS;
        if (this.failing) this.logger.log({ msg: 'outbox relay publishing again' }, 'OutboxRelay');
        this.failing = false;
      } catch (err) {
        if (!this.failing) {
          this.logger.warn({ msg: 'outbox relay cannot publish; events wait in the outbox', err: (err as Error).message }, 'OutboxRelay');
        }
        this.failing = true;
        await this.pause(backoff, false);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      await this.pruneIfDue();
      if (published < BATCH && !this.dirty) await this.pause(IDLE_POLL_MS, true);
    }
  }

  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    try {
      const pruned = await this.store.prunePublishedEvents(new Date(now - PUBLISHED_RETENTION_MS));
      if (pruned > 0) this.logger.log({ msg: 'outbox pruned', pruned }, 'OutboxRelay');
    } catch (err) {
      this.logger.warn({ msg: 'outbox prune failed; published rows wait for the next one', err: (err as Error).message }, 'OutboxRelay');
    }
  }

  /** Publishes up to one batch in order; marks what got out even when a later publish fails. */
  private async publishBatch(): Promise<number> {
    const rows = await this.store.pendingEvents(BATCH);
    const done: number[] = [];
    try {
      for (const row of rows) {
        if (this.stopped && done.length) break;
        await this.publisher.publish(row.subject, row.payload, row.event_id, { timeoutMs: PUBLISH_TIMEOUT_MS });
        done.push(row.id);
      }
    } finally {
      await this.store.markPublished(done);
    }
    return done.length;
  }

  /** Sleeps `ms`; a commit signal cuts an idle sleep short, never a backoff. */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        if (wakeable || this.stopped) done();
      };
    }).finally(() => (this.wake = undefined));
  }
}
