// Test helper: read what the router published to its namespace's JetStream stream.
import { JSONCodec, connect, type JsMsg } from 'nats';
import { TEST_NATS_URL, type TestNamespace } from '@lynx/platform/testing';

export interface StoredEvent {
  subject: string;
  msgId: string | undefined;
  data: any;
}

/** Every message stored so far under `subject` (canonical name) in the namespace's inference stream. */
export async function readEvents(ns: TestNamespace, subject: string, natsUrl = TEST_NATS_URL): Promise<StoredEvent[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const js = nc.jetstream();
    const stream = ns.names.stream('inference').name;
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream, { subjects_filter: ns.names.subject(subject) });
    const count = info.state.subjects?.[ns.names.subject(subject)] ?? 0;
    if (count === 0) return [];
    const consumer = await js.consumers.get(stream, { filterSubjects: ns.names.subject(subject) });
    const out: StoredEvent[] = [];
    const codec = JSONCodec();
    while (out.length < count) {
      const batch = await consumer.fetch({ max_messages: count - out.length, expires: 2000 });
      let got = 0;
      for await (const m of batch as AsyncIterable<JsMsg>) {
        got++;
        out.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), data: codec.decode(m.data) });
      }
      if (got === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}
