import { AckPolicy, DeliverPolicy, connect, nanos } from 'nats';
import { STREAMS } from '@lynx/schema';

/** NATS URL and namespace as the services use them (LYNX_NATS_URL, LYNX_NAMESPACE). */
function names() {
  const ns = process.env.LYNX_NAMESPACE || 'lynx';
  const subject = (s: string) => (ns === 'lynx' ? s : `${ns}.${s.slice('lynx.'.length)}`);
  const stream = ns === 'lynx' ? STREAMS.inference.name : `${ns.toUpperCase().replace(/-/g, '_')}${STREAMS.inference.name.slice(4)}`;
  return { subject, stream };
}

/**
 * Reads every message on `subject` (canonical lynx.… name) stored in the inference stream since
 * `since`, with an ordered consumer, up to what was stored when the read began; returns the JSON bodies.
 */
export async function readInferenceEvents(subject: string, since?: Date): Promise<unknown[]> {
  const { subject: map, stream } = names();
  const nc = await connect({ servers: process.env.LYNX_NATS_URL || 'nats://127.0.0.1:4222' });
  try {
    // An ephemeral consumer (no acks, removed by the server when idle): it knows from the start
    // how many messages match, so the read stops there instead of waiting for new ones.
    const info = await (await nc.jetstreamManager()).consumers.add(stream, {
      filter_subject: map(subject),
      ack_policy: AckPolicy.None,
      inactive_threshold: nanos(30_000),
      ...(since ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() } : { deliver_policy: DeliverPolicy.All }),
    });
    const consumer = await nc.jetstream().consumers.get(stream, info.name);
    const out: unknown[] = [];
    let pending = info.num_pending;
    while (pending > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(pending, 1000), expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        out.push(m.json());
        got++;
        pending = m.info.pending;
      }
      if (got === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}
