// The ingest script's sums against counting event by event: redeliveries (across batches and
// within one), the category cap and the reservoirs, on the real Redis.
import { Redis } from 'ioredis';
import { redisOptions } from '@lynx/platform';
import { cleanupNamespace, TEST_REDIS_URL, uniqueName } from '@lynx/platform/testing';
import type { IngestRecord } from './ingest-batch';
import { WindowStore, member } from './window-store';

const M = member('grammar-tutor', `sha256:${'a'.repeat(64)}`);
const LEMMAS = ['go', 'be', 'have', 'see', 'eat', 'run'];

function record(k: number, id = `e${k}`): IngestRecord {
  return {
    id,
    member: M,
    u: (k * 0.37) % 1,
    sample: `${k % 5},${k % 7},1,3`,
    text: `sentence ${k}`,
    categories: [`lemma=${LEMMAS[k % LEMMAS.length]}`, `tense=${k % 2 ? 'past' : 'present'}`, 'person=3sg'],
    bins: [`input_tokens#${k % 4}`],
    flags: k % 3 === 0 ? ['no_verb'] : [],
  };
}

/** What the window should hold, counted one event at a time. */
function expected(records: IngestRecord[]) {
  const cat: Record<string, Record<string, number>> = {};
  const bins: number[] = [];
  let noVerb = 0;
  for (const r of records) {
    for (const c of r.categories) {
      const [f, v] = c.split('=');
      (cat[f] ??= {})[v] = (cat[f][v] ?? 0) + 1;
    }
    for (const b of r.bins) {
      const i = Number(b.split('#')[1]);
      while (bins.length <= i) bins.push(0);
      bins[i]++;
    }
    if (r.flags.includes('no_verb')) noVerb++;
  }
  return { cat, bins, noVerb };
}

describe('WindowStore.ingest', () => {
  let redis: Redis;
  let namespace: string;
  const store = (maxCategories = 1000) => new WindowStore(redis, `${namespace}:drift:${maxCategories}`, { dedupTtlMs: 60_000, reservoir: 10, textReservoir: 20, maxCategories });

  beforeAll(() => {
    namespace = uniqueName('window-store');
    redis = new Redis(redisOptions(TEST_REDIS_URL));
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupNamespace(namespace);
  });

  it('sums a batch as counting event by event would, and takes redelivered events back out', async () => {
    const windows = store();
    const all = Array.from({ length: 300 }, (_, k) => record(k));
    expect(await windows.ingest(all.slice(0, 200))).toMatchObject({ added: 200, duplicates: 0 });
    // Events 100..199 again (a redelivery) with 100 new ones, and one id twice inside the batch.
    const again = [...all.slice(100, 300), record(250)];
    expect(await windows.ingest(again)).toMatchObject({ added: 100, duplicates: 101 });
    const wid = (await windows.currentWindow()).id;
    const agg = await windows.readAggregate(wid, M);
    const want = expected(all);
    expect(agg.count).toBe(300);
    expect(agg.categorical).toEqual(want.cat);
    expect(agg.bins.input_tokens).toEqual(want.bins);
    expect(agg.flags.no_verb).toBe(want.noVerb);
    expect(agg.samples.input_tokens).toHaveLength(10);
    expect(agg.texts).toHaveLength(20);
    expect(await windows.members(wid)).toEqual([M]);
  });

  it('sends new categories beyond the cap to ~other without losing a count', async () => {
    const windows = store(5);
    const all = Array.from({ length: 120 }, (_, k) => record(k));
    await windows.ingest(all.slice(0, 60));
    await windows.ingest(all.slice(60));
    const agg = await windows.readAggregate((await windows.currentWindow()).id, M);
    const fields = Object.values(agg.categorical).reduce((n, h) => n + Object.keys(h).length, 0);
    // Five distinct fields fill the hash; each feature may add its own ~other beyond them.
    expect(fields).toBeLessThanOrEqual(5 + 3);
    expect(agg.categorical.lemma['~other']).toBeGreaterThan(0);
    for (const feature of ['lemma', 'tense', 'person']) {
      expect(Object.values(agg.categorical[feature]).reduce((a, b) => a + b, 0)).toBe(120);
    }
  });
});
