// Helpers for the drift worker's integration tests: inference events from generated traffic,
// published to a test namespace's stream.
import { randomUUID } from 'node:crypto';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import type { InferenceEvent } from '@lynx/schema';
import { correct, generateTraffic, type TrafficOptions, type TutorModel } from '@lynx/tutor';

const codec = JSONCodec();

export function trafficEvents(opts: TrafficOptions & { model?: string; digest: string; tutor: TutorModel }): InferenceEvent[] {
  return generateTraffic(opts).map((item, i) => {
    const output = correct(opts.tutor, item.input).corrected;
    return {
      event_id: randomUUID(),
      request_id: `req-${i}`,
      time: new Date().toISOString(),
      model: opts.model ?? 'grammar-tutor',
      digest: opts.digest,
      arm: 'production',
      role: 'primary',
      input: item.input,
      output,
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      latency_ms: 5 + (i % 7),
      upstream_latency_ms: 4,
      status: 'ok',
    };
  });
}

/** Publishes to JetStream (JSON, or raw bytes as given) with Nats-Msg-Id = msgId(e) (default: the event id), 500 in flight. */
export async function publishAll(nc: NatsConnection, subject: string, payloads: readonly unknown[], msgId: (p: unknown, i: number) => string): Promise<void> {
  const js = nc.jetstream();
  for (let i = 0; i < payloads.length; i += 500) {
    await Promise.all(payloads.slice(i, i + 500).map((p, k) => js.publish(subject, p instanceof Uint8Array ? p : codec.encode(p), { msgID: msgId(p, i + k) })));
  }
}

export const natsConnect = (url: string) => connect({ servers: url });
