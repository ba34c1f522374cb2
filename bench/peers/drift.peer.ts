// Drift worker vs Evidently, on the same events and the same features.
//  - Headline, equal work: both sides start from the same extracted features (lemma, tense,
//    person; input tokens, latency), made before the clock starts. Evidently reads them from a
//    CSV (untimed) and is timed building its datasets and running its data-drift report
//    (DataDriftPreset) against the corpus items' features. Lynx is timed through the drift
//    worker's own aggregation (IngestPipeline.aggregate: bins against the profile's edges, the
//    batch folded into sums, one atomic Redis call per batch of 500 with the per-event dedup
//    mark and reservoirs, two batches in flight, as the consumer runs) and the window close
//    (every metric against the corpus profile). Lynx does more than Evidently here: dedup,
//    reservoirs, output tokens and edits.
//  - For information, Lynx from the raw event bytes (IngestPipeline.process: JSON, schema,
//    feature extraction, then the same aggregation) against the same Evidently figure: Lynx
//    does the parsing and extraction Evidently is spared, so that ratio is not equal work.
//  - The floor: batches shaped like the worker's sent to the same Redis and dropped there: no
//    aggregation in Redis can beat it.
// events/s = events / (timed seconds). The agreement of the metrics both define alike is
// checked in the drift worker's spec (apps/drift-worker/src/reports/evidently-agreement.spec.ts)
// and again here on a sample.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { redisOptions } from '@lynx/platform';
import { cleanupNamespace, runPython, TEST_REDIS_URL, uniqueName } from '@lynx/platform/testing';
import { DRIFT_THRESHOLDS } from '@lynx/schema';
import { generateTraffic, readItems } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { sentenceFeatures } from '../../apps/drift-worker/src/features/features';
import { IngestPipeline, type ExtractedEvent } from '../../apps/drift-worker/src/ingest/ingest-pipeline';
import { buildProfile } from '../../apps/drift-worker/src/profiles/profile';
import { DocStore } from '../../apps/drift-worker/src/store/doc-store';
import { WindowStore } from '../../apps/drift-worker/src/store/window-store';
import { WindowService } from '../../apps/drift-worker/src/windows/window.service';
import { jensenShannonDistance, ksTwoSample, psi } from '@lynx/math';
import { writeFile } from 'node:fs/promises';
import { fmt, printTable, progress, verdict } from './report';

const BATCH = 500;
const DIGEST = `sha256:${'c'.repeat(64)}`;
const SCRIPT = resolve(__dirname, '../../tools/python/evidently_peer.py');
const enc = new TextEncoder();

const sentences = generateTraffic({ seed: 9, count: 20_000, newLemmas: 10 }).map((i) => [i.input, i.target] as const);
const latencyOf = (k: number) => 3 + (k % 11);

function eventBytes(k: number): Uint8Array {
  const [input, output] = sentences[k % sentences.length];
  return enc.encode(JSON.stringify({
    event_id: randomUUID(), request_id: `r${k}`, time: new Date().toISOString(), model: 'grammar-tutor', digest: DIGEST,
    arm: 'production', role: 'primary', input, output, usage: { prompt_tokens: 12, completion_tokens: 12, total_tokens: 24 },
    latency_ms: latencyOf(k), upstream_latency_ms: 2, status: 'ok',
  }));
}

/** One CSV row of the features Evidently gets: lemma, tense, person, input tokens, latency. */
function featureRow(input: string, output: string, latency: number): string {
  const f = sentenceFeatures(input, output, latency);
  const [lemma, tense, person] = f.categories.map((c) => c.slice(c.indexOf('=') + 1));
  return `${lemma},${tense},${person},${f.scalars[0]},${latency}\n`;
}

async function writeCsv(path: string, rows: number, row: (k: number) => string): Promise<void> {
  const out = createWriteStream(path);
  out.write('lemma,tense,person,tokens,latency\n');
  for (let k = 0; k < rows; k++) if (!out.write(row(k))) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((ok, fail) => out.end((err?: Error | null) => (err ? fail(err) : ok())));
}

const MODEL = 'grammar-tutor';
// Features of each distinct sentence, made once: the equal-work variant's input, built untimed.
let sentenceFeaturesCache: Array<ReturnType<typeof sentenceFeatures>> | null = null;
function extracted(k: number): ExtractedEvent {
  sentenceFeaturesCache ??= sentences.map(([input, output]) => sentenceFeatures(input, output));
  const i = k % sentences.length;
  // Sentences cycle every 20 000 events and latencies every 11: the latency is the event's own.
  const f = sentenceFeaturesCache[i];
  return { id: randomUUID(), model: MODEL, digest: DIGEST, text: sentences[i][0], error: false, features: { ...f, scalars: [f.scalars[0], f.scalars[1], f.scalars[2], latencyOf(k)] } };
}

type Variant = 'features' | 'events';

async function lynxEventsPerSecond(events: number, variant: Variant): Promise<{ eps: number; ingest: number; close: number; count: number; decision: string }> {
  const namespace = uniqueName('peers-drift');
  const redis = new Redis(redisOptions(TEST_REDIS_URL));
  const prefix = `${namespace}:drift`;
  const windows = new WindowStore(redis, prefix, { dedupTtlMs: 3_600_000, reservoir: 1000, textReservoir: 2000, maxCategories: 1000 });
  const docs = new DocStore(redis, prefix);
  const pipeline = new IngestPipeline(windows, docs);
  const service = new WindowService(windows, docs, { thresholds: DRIFT_THRESHOLDS, minCount: 200, cooldownWindows: 0 }, { publish: async () => undefined }, { add: async () => undefined });
  try {
    await docs.putProfile(buildProfile({ model: MODEL, digest: DIGEST, data: { name: 'corpus', digest: DIGEST }, items: await readItems(CORPUS_DIR) }));
    const bar = progress(`Lynx drift worker, ${events} ${variant === 'features' ? 'extracted events' : 'raw events'}`, events);
    let busy = 0;
    let pending: Promise<unknown> | null = null;
    for (let s = 0; s < events; s += BATCH) {
      // Building the input (event bytes, or extracted features) is outside the time, as in bench/drift.
      const n = Math.min(BATCH, events - s);
      const step = variant === 'features'
        ? ((batch: ExtractedEvent[]) => () => pipeline.aggregate(batch))(Array.from({ length: n }, (_, k) => extracted(s + k)))
        : ((batch: Uint8Array[]) => () => pipeline.process(batch))(Array.from({ length: n }, (_, k) => eventBytes(s + k)));
      const t = process.hrtime.bigint();
      const p = step();
      if (pending) await pending;
      pending = p;
      busy += Number(process.hrtime.bigint() - t) / 1e9;
      if (s % 20_000 === 0) bar.update(s);
    }
    let t = process.hrtime.bigint();
    await pending;
    busy += Number(process.hrtime.bigint() - t) / 1e9;
    bar.stop();
    const w = (await windows.currentWindow()).id;
    const count = (await windows.readAggregate(w, `${MODEL}|${DIGEST}`)).count;
    t = process.hrtime.bigint();
    const reports = await service.close(w);
    const close = Number(process.hrtime.bigint() - t) / 1e9;
    return { eps: events / (busy + close), ingest: busy, close, count, decision: reports[0]?.decision ?? '' };
  } finally {
    redis.disconnect();
    await cleanupNamespace(namespace);
  }
}

/**
 * The Redis floor: batches of 500 shaped like the worker's (id, member, u, sample, text per
 * event) sent to a script that does nothing with them, two in flight: what any aggregation in
 * this Redis pays before it counts anything.
 */
async function redisFloor(events: number): Promise<number> {
  const redis = new Redis(redisOptions(TEST_REDIS_URL));
  const [input] = sentences[0];
  try {
    let busy = 0;
    let pending: Promise<unknown> | null = null;
    for (let s = 0; s < events; s += BATCH) {
      const args = Array.from({ length: Math.min(BATCH, events - s) }, (_, k) => [randomUUID(), 1, Math.random(), `7,7,1,${latencyOf(s + k)}`, input]).flat();
      const t = process.hrtime.bigint();
      const p = redis.eval('return #ARGV', 0, ...args);
      if (pending) await pending;
      pending = p;
      busy += Number(process.hrtime.bigint() - t) / 1e9;
    }
    const t = process.hrtime.bigint();
    await pending;
    busy += Number(process.hrtime.bigint() - t) / 1e9;
    return events / busy;
  } finally {
    redis.disconnect();
  }
}

async function evidentlyEventsPerSecond(dir: string, refCsv: string, events: number): Promise<{ eps: number; seconds: number; drifted: number | null }> {
  const cur = join(dir, `current-${events}.csv`);
  await writeCsv(cur, events, (k) => {
    const [input, output] = sentences[k % sentences.length];
    return featureRow(input, output, latencyOf(k));
  });
  process.stderr.write(`Evidently data-drift report, ${events} rows…\n`);
  const out = await runPython(`import runpy; runpy.run_path(${JSON.stringify(SCRIPT)}, run_name='__main__')`, ['report', refCsv, cur]);
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; rows: number; drifted: number | null };
  if (r.rows !== events) throw new Error(`Evidently read ${r.rows} rows, expected ${events}`);
  rmSync(cur, { force: true });
  return { eps: events / r.seconds, seconds: r.seconds, drifted: r.drifted };
}

interface Agreement {
  categorical: { psi: number; jensenshannon: number };
  numerical: { psi: number; jensenshannon: number; ks_p_value: number; ref_percents: number[]; cur_percents: number[] };
}

/**
 * PSI, JS and KS from Lynx's functions and from Evidently's stattests on identical inputs: tense
 * of the corpus vs the first `n` events, and their input tokens. Lynx's PSI unsmoothed (ε = 0) and
 * JS converted from base 2 to Evidently's base e; numeric PSI/JS on the bins Evidently made.
 * Where a bin is empty on one side the definitions part (see the drift worker's agreement spec).
 */
async function agreement(dir: string, items: Array<{ input: string; target: string }>, n: number): Promise<string[][]> {
  const side = (pairs: Array<readonly [string, string]>) => {
    const f = pairs.map(([i, o]) => sentenceFeatures(i, o));
    return { cat: f.map((x) => x.categories[1]), num: f.map((x) => x.scalars[0]) };
  };
  const ref = side(items.map((i) => [i.input, i.target] as const));
  const cur = side(sentences.slice(0, n));
  const file = join(dir, 'agree.json');
  await writeFile(file, JSON.stringify({ ref, cur }));
  const ev = JSON.parse((await runPython(`import runpy; runpy.run_path(${JSON.stringify(SCRIPT)}, run_name='__main__')`, ['agree', file])).trim().split('\n').at(-1)!) as Agreement;
  const keys = [...new Set([...ref.cat, ...cur.cat])].sort();
  const counts = (xs: string[]) => keys.map((k) => xs.filter((x) => x === k).length);
  const emptyCat = counts(ref.cat).includes(0) || counts(cur.cat).includes(0);
  const { ref_percents: e, cur_percents: a } = ev.numerical;
  const emptyNum = e.includes(0) || a.includes(0);
  const toE = Math.sqrt(Math.LN2);
  const row = (what: string, lynx: number, peer: number, empty = false) => [what, lynx.toPrecision(10), peer.toPrecision(10), Math.abs(lynx - peer).toExponential(1), empty ? 'n/a: an empty bin, the definitions differ' : verdict(Math.abs(lynx - peer) < 1e-6)];
  return [
    row('PSI, tense', psi(counts(ref.cat), counts(cur.cat), 0), ev.categorical.psi, emptyCat),
    row('JS distance (base e), tense', jensenShannonDistance(counts(ref.cat), counts(cur.cat)) * toE, ev.categorical.jensenshannon),
    row('PSI, input tokens, on Evidently\'s bins', psi(e, a, 0), ev.numerical.psi, emptyNum),
    row('JS distance (base e), input tokens, on Evidently\'s bins', jensenShannonDistance(e, a) * toE, ev.numerical.jensenshannon),
    row('KS p-value, input tokens', ksTwoSample(ref.num, cur.num).pValue, ev.numerical.ks_p_value),
  ];
}

export async function driftPeers(o: { sizes: number[] }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-peers-drift-'));
  try {
    // Evidently's reference: the corpus items (the sentences Lynx's profile is built from).
    const items = await readItems(CORPUS_DIR);
    const refCsv = join(dir, 'reference.csv');
    await writeCsv(refCsv, items.length, (k) => featureRow(items[k].input, items[k].target, latencyOf(k)));
    const rows: string[][] = [];
    for (const events of o.sizes) {
      const lynx = await lynxEventsPerSecond(events, 'features');
      const raw = await lynxEventsPerSecond(events, 'events');
      for (const x of [lynx, raw]) if (x.count !== events) throw new Error(`Lynx's window holds ${x.count} events, expected ${events}`);
      const floor = await redisFloor(events);
      const peer = await evidentlyEventsPerSecond(dir, refCsv, events);
      const ratio = lynx.eps / peer.eps;
      const lynxCell = (x: typeof lynx) => `${fmt(x.eps, 0)} (aggregate ${fmt(x.ingest, 2)} s + close ${fmt(x.close * 1000, 0)} ms; ${x.decision})`;
      rows.push([
        String(events), 'same extracted features (equal work; the headline)', lynxCell(lynx),
        `${fmt(peer.eps, 0)} (${fmt(peer.seconds, 2)} s; ${peer.drifted ?? '?'} columns drifted)`,
        `${fmt(ratio, 1)}×`, verdict(ratio >= 100),
      ]);
      rows.push([
        String(events), 'Lynx from raw event bytes (+ JSON, schema, extraction), Evidently as above', lynxCell(raw).replace('aggregate', 'ingest'),
        'as above', `${fmt(raw.eps / peer.eps, 1)}×`, 'not equal work',
      ]);
      rows.push([
        String(events), 'floor: the same batches sent to this Redis, nothing done with them', `${fmt(floor, 0)}`,
        'as above', `${fmt(floor / peer.eps, 1)}×`, 'the ceiling of any Redis-side aggregation',
      ]);
    }
    printTable(
      `Drift worker vs Evidently 0.7.23: same events, same features (lemma, tense, person; tokens, latency); reference: the ${items.length} corpus items; goal: Lynx ≥ 100× Evidently's events/s`,
      ['events', 'variant', 'Lynx events/s', 'Evidently events/s (DataDriftPreset report)', 'ratio Lynx/Evidently', 'goal ≥ 100×'],
      rows,
    );
    printTable(
      `Agreement where the definitions coincide (corpus vs the first 5000 events' sentences), goal |Lynx − Evidently| < 1e-6`,
      ['metric', 'Lynx', 'Evidently', '|difference|', 'verdict'],
      await agreement(dir, items, 5000),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
