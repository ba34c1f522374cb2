import { appendFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { LineageRunEvent } from './openlineage-event';

/** Where lineage goes: LYNX_OPENLINEAGE_URL. Unset: nowhere. */
export const OPENLINEAGE_URL_VARIABLE = 'LYNX_OPENLINEAGE_URL';

export interface LineageSink {
  emit(event: LineageRunEvent): Promise<void>;
}

/**
 * A sink for LYNX_OPENLINEAGE_URL: an http(s) URL is an OpenLineage HTTP endpoint (Marquez's
 * `POST /api/v1/lineage`; a bare host gets that path), anything else a file (a `file:` URL or a
 * path) that gets one event per line. Lineage never breaks the job it describes: a failed send is
 * reported through `onError` and the job goes on, as OpenLineage's own clients do.
 */
export function lineageSink(target: string | undefined, onError: (err: Error) => void = () => undefined): LineageSink {
  if (!target) return { emit: async () => undefined };
  if (/^https?:\/\//i.test(target)) {
    const url = new URL(target);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/api/v1/lineage';
    return {
      async emit(event) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(event),
            signal: AbortSignal.timeout(5000),
          });
          if (!res.ok) throw new Error(`OpenLineage endpoint ${url.origin} answered ${res.status}`);
        } catch (err) {
          onError(err as Error);
        }
      },
    };
  }
  const file = target.startsWith('file:') ? fileURLToPath(target) : target;
  return {
    async emit(event) {
      try {
        await appendFile(file, `${JSON.stringify(event)}\n`);
      } catch (err) {
        onError(err as Error);
      }
    },
  };
}
