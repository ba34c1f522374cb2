import type { NatsConnection } from 'nats';
import { BatchConsumer, type BatchConsumerOptions } from '@lynx/platform';
import type { BatchOutcome, IngestPipeline } from './ingest-pipeline';

export type InferenceConsumerOptions = Omit<BatchConsumerOptions<BatchOutcome>, 'handle' | 'onError' | 'concurrency' | 'prefetch'> & {
  batchSize: number;
  ackWaitMs: number;
};

/**
 * Durable, explicit-ack JetStream consumer of lynx.inference.completed: each batch is aggregated
 * in one Redis call and then acked, so a crash between the two only causes a redelivery, which
 * the event-id marks make harmless. Schema failures are dead-lettered with the reason and acked.
 * Emits `batch` (BatchOutcome).
 */
export class InferenceConsumer extends BatchConsumer<BatchOutcome> {
  constructor(nc: NatsConnection, pipeline: IngestPipeline, opts: InferenceConsumerOptions, onError: (err: Error) => void) {
    // Two batches in flight: the next batch's feature extraction overlaps the Redis call of the
    // previous one. Aggregation is commutative, so their order does not matter.
    super(nc, { ...opts, prefetch: opts.batchSize * 4, concurrency: 2, handle: (data) => pipeline.process(data), onError });
  }
}
