import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../testing/fixtures';
import { openLineageValidator } from '../testing/openlineage-schema';
import { lineageRunEvent, newLineageRunId, type LineageRunInput } from './openlineage-event';
import { lineageSink } from './openlineage-emitter';

const validate = openLineageValidator();
const base: LineageRunInput = { eventType: 'START', job: 'train', namespace: 'lynx-test', runId: newLineageRunId() };

describe('OpenLineage RunEvents', () => {
  it.each<[string, Partial<LineageRunInput>]>([
    ['a bare START', {}],
    ['a COMPLETE with model and data datasets and Lynx details', {
      eventType: 'COMPLETE',
      inputs: [{ namespace: 'file', name: 'data/corpus', version: '5fc28ea78987408341668eba6525ebd1.dir', type: 'FILE' }],
      outputs: [{ namespace: 'lynx://registry', name: 'grammar-tutor@sha256:ab', version: 'sha256:ab', type: 'MODEL' }],
      details: { model: 'grammar-tutor', mlflowRunId: '0123456789abcdef0123456789abcdef', accuracy: 0.97, bootstrap: false },
    }],
    ['a FAIL with its error and parent run', {
      eventType: 'FAIL', job: 'retrain', error: 'training failed',
      parent: { runId: newLineageRunId(), namespace: 'lynx-test', job: 'lynx.evaluate' },
    }],
  ])('%s validates against the 2-0-2 schema', (_name, extra) => {
    const event = lineageRunEvent({ ...base, ...extra });
    expect(validate(event) ? [] : validate.errors).toEqual([]);
    expect(event.job.name).toBe(`lynx.${extra.job ?? 'train'}`);
  });

  it('the schema refuses what the spec refuses: no runId, a non-UUID runId, an unknown eventType, a facet without _producer', () => {
    const good = lineageRunEvent({ ...base, details: { model: 'm' } });
    const broken = [
      { ...good, run: {} },
      { ...good, run: { runId: 'not-a-uuid' } },
      { ...good, eventType: 'DONE' },
      { ...good, run: { runId: good.run.runId, facets: { lynx: { _schemaURL: 'urn:x' } } } },
    ];
    for (const event of broken) expect(validate(event)).toBe(false);
  });

  it('sends to an OpenLineage HTTP endpoint at /api/v1/lineage, and to a file one event per line', async () => {
    const received: Array<{ url?: string; body: unknown }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url, body: JSON.parse(body) });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const tmp = await makeTempDir('lynx-ol-');
    try {
      const errors: Error[] = [];
      const http = lineageSink(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, (e) => errors.push(e));
      const event = lineageRunEvent(base);
      await http.emit(event);
      expect(errors).toEqual([]);
      expect(received).toEqual([{ url: '/api/v1/lineage', body: event }]);

      const file = join(tmp.dir, 'lineage.ndjson');
      const sink = lineageSink(`file://${file}`);
      await sink.emit(event);
      await sink.emit(lineageRunEvent({ ...base, eventType: 'COMPLETE' }));
      const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.eventType)).toEqual(['START', 'COMPLETE']);
      expect(lines.every((l) => validate(l))).toBe(true);
    } finally {
      server.close();
      await tmp.cleanup();
    }
  });

  it('never throws into the job it describes: an unreachable endpoint is reported, not raised', async () => {
    const errors: Error[] = [];
    await lineageSink('http://127.0.0.1:9/', (e) => errors.push(e)).emit(lineageRunEvent(base));
    expect(errors).toHaveLength(1);
  });
});
