import type { LiveUsage } from '@lynx/schema';
import { ServiceClient } from '../service-client';

/**
 * The cost emitter's not-yet-flushed usage of a model, or undefined (with a note on stderr) when
 * it does not answer: the flushed rollups are still worth showing.
 */
export async function fetchLiveUsage(model: string): Promise<LiveUsage | undefined> {
  const client = new ServiceClient('cost-emitter');
  try {
    return await client.json<LiveUsage>('GET', `/v1/costs/${encodeURIComponent(model)}/live`);
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    process.stderr.write(`note: no provisional usage (${first}); showing the flushed rollups only\n`);
    return undefined;
  }
}
