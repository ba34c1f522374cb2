import type { NatsConnection } from 'nats';
import { BatchConsumer, type BatchConsumerOptions, type BatchResult } from '@lynx/platform';
import { feedbackEventSchema } from '@lynx/schema';
import type { WindowStore } from '../store/window-store';
import type { FeedbackStore } from './feedback-store';

export type FeedbackConsumerOptions = Omit<BatchConsumerOptions<BatchResult>, 'handle' | 'onError'>;

/**
 * Durable consumer of lynx.inference.feedback: each event that names its model and digest is
 * counted once (by event id) in the open window — the performance trigger's live pass rate —
 * and in the model's total since its last retrain — the volume trigger. Feedback without a
 * model/digest cannot be attributed and is skipped; schema failures are dead-lettered.
 */
export class FeedbackConsumer extends BatchConsumer<BatchResult> {
  constructor(nc: NatsConnection, windows: WindowStore, store: FeedbackStore, opts: FeedbackConsumerOptions, onError: (err: Error) => void) {
    super(nc, {
      ...opts,
      onError,
      handle: async (data) => {
        const invalid: Array<{ index: number; reason: string }> = [];
        const windowId = (await windows.currentWindow()).id;
        for (let i = 0; i < data.length; i++) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.from(data[i]).toString('utf8'));
          } catch (err) {
            invalid.push({ index: i, reason: `not JSON: ${(err as Error).message}` });
            continue;
          }
          const r = feedbackEventSchema.safeParse(parsed);
          if (!r.success) {
            invalid.push({ index: i, reason: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
            continue;
          }
          const e = r.data;
          if (e.model && e.digest) await store.count(e.event_id, windowId, e.model, e.digest, e.accepted);
        }
        return { invalid };
      },
    });
  }
}
