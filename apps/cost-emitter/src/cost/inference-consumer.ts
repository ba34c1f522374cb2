import type { NatsConnection } from 'nats';
import { BatchConsumer, type BatchConsumerOptions } from '@lynx/platform';
import type { BatchOutcome, CostPipeline } from './cost-pipeline';

export type InferenceConsumerOptions = Omit<BatchConsumerOptions<BatchOutcome>, 'handle' | 'onError' | 'concurrency'>;

/**
 * Durable, explicit-ack JetStream consumer of inference events: each batch is priced and rolled
 * up in one Redis call, then acked. If Redis fails the batch is nak'ed with a delay and comes
 * back; the Redis dedup marks make the retry count each event once. Emits `batch` (BatchOutcome).
 */
export class InferenceConsumer extends BatchConsumer<BatchOutcome> {
  constructor(connect: () => Promise<NatsConnection>, pipeline: CostPipeline, opts: InferenceConsumerOptions, onError: (err: Error) => void = () => undefined) {
    super(connect, { ...opts, handle: (data) => pipeline.process(data), onError });
  }
}
