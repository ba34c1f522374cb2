import { connect, JSONCodec, type ConsumerConfig } from 'nats';
import { LynxNames } from '@lynx/platform';
import { SUBJECTS, inferenceEventSchema, type InferenceEvent } from '@lynx/schema';
import { CliError, EXIT } from '../exit';

const codec = JSONCodec();

export interface RequestLookup {
  /** The event of the version that answered (primary, canary, arm…), if found. */
  served?: InferenceEvent;
  /** Shadow answers to the same request (they reached no user). */
  shadows: InferenceEvent[];
  scanned: number;
}

/**
 * Finds a request's lynx.inference.completed events in the LYNX_INFERENCE stream. The router puts
 * request_id in the event body only (not in the subject or a header), so this reads the stream
 * with an ordered consumer filtered to the subject, from `since` (or the start) up to the stream's
 * end at the time of the call, and stops at the answer that served the user.
 */
export async function findRequest(requestId: string, opts: { natsUrl: string; namespace: string; since?: string }): Promise<RequestLookup> {
  const names = new LynxNames(opts.namespace);
  const stream = names.stream('inference').name;
  let nc;
  try {
    nc = await connect({ servers: opts.natsUrl, timeout: 3000 });
  } catch (err) {
    throw new CliError(`cannot reach NATS at ${opts.natsUrl} (${(err as Error).message}); set LYNX_NATS_URL`, EXIT.error);
  }
  const out: RequestLookup = { shadows: [], scanned: 0 };
  try {
    const jsm = await nc.jetstreamManager();
    try {
      await jsm.streams.info(stream);
    } catch {
      throw new CliError(`stream ${stream} not found on ${opts.natsUrl}: nothing has been served yet (or set LYNX_NAMESPACE)`, EXIT.error);
    }
    const start: Partial<ConsumerConfig> = opts.since ? { opt_start_time: opts.since } : {};
    const consumer = await nc.jetstream().consumers.get(stream, { filterSubjects: names.subject(SUBJECTS.inferenceCompleted), ...start });
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: 1000 });
      let got = 0;
      let atEnd = false;
      for await (const m of batch) {
        got++;
        out.scanned++;
        atEnd = m.info.pending === 0;
        const parsed = inferenceEventSchema.safeParse(safeDecode(m.data));
        if (parsed.success && parsed.data.request_id === requestId) {
          if (parsed.data.role === 'shadow') out.shadows.push(parsed.data);
          else out.served = parsed.data;
        }
        if (out.served || atEnd) break;
      }
      if (out.served || atEnd || got === 0) break;
    }
  } finally {
    await nc.close();
  }
  return out;
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return codec.decode(data);
  } catch {
    return undefined;
  }
}
