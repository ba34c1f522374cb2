import { ALL_LEMMAS, PERSONS, TENSES, irregularLemmas } from '../lexicon';
import { HELD_OUT_LEMMAS, corpusLemmas } from '../data/generation';
import { generateItems } from './generate';
import type { TutorItem } from './item';
import { mulberry32 } from './prng';

// Synthetic learner traffic for drift experiments (`lynx traffic replay`, the drift worker's tests):
// the corpus generator, resampled so chosen buckets are over- or under-represented, optionally
// with lemmas the corpus never contains.

export type ShiftFeature = 'tense' | 'person';

/**
 * `relative`: the bucket's share is multiplied by (1 + amount) — "+30%" turns 20 % into 26 %.
 * `points`: `amount` is added to the share — "+30pp" turns 20 % into 50 %.
 * The other buckets of the feature shrink or grow in proportion so the shares sum to 1.
 */
export interface TrafficShift {
  feature: ShiftFeature;
  bucket: string;
  mode: 'relative' | 'points';
  amount: number;
}

export interface TrafficOptions {
  seed: number;
  count: number;
  shifts?: readonly TrafficShift[];
  /** Lemmas added that the training corpus never contains (held-out ones first, then other irregulars). */
  newLemmas?: number;
}

const BUCKETS: Record<ShiftFeature, readonly string[]> = { tense: TENSES, person: PERSONS };

/** Irregular verbs outside the tutor's lexicon whose forms the analyser still knows. */
const EXTRA_NEW_LEMMAS = [
  'bear', 'beat', 'bend', 'bite', 'bleed', 'blow', 'breed', 'deal', 'dig', 'feed', 'fight', 'flee', 'forgive',
  'freeze', 'hang', 'hide', 'hit', 'hurt', 'lay', 'lead', 'mean', 'quit', 'rise', 'seek', 'shake', 'shine',
  'shoot', 'shut', 'sink', 'slide', 'steal', 'stick', 'strike', 'swear', 'sweep', 'swing', 'tear', 'throw', 'wake',
];

/** The first `n` lemmas no corpus item uses: the held-out lemmas, then irregular verbs outside the lexicon. */
export function newLemmaPool(n: number): string[] {
  const known = new Set(ALL_LEMMAS);
  const irregular = new Set(irregularLemmas());
  const pool = [...HELD_OUT_LEMMAS, ...EXTRA_NEW_LEMMAS.filter((l) => irregular.has(l) && !known.has(l))];
  if (!Number.isInteger(n) || n < 0 || n > pool.length) {
    throw new RangeError(`newLemmaPool: n must be an integer 0..${pool.length}, got ${String(n)}`);
  }
  return pool.slice(0, n);
}

/** Parses `tense.past_participle=+30%`, `person.3sg=-10%` or `tense.infinitive=+25pp`. */
export function parseShift(spec: string): TrafficShift {
  const m = /^(tense|person)\.([a-z0-9_]+)=([+-]?\d+(?:\.\d+)?)(%|pp)$/.exec(spec.trim());
  if (!m) throw new RangeError(`parseShift: expected <tense|person>.<bucket>=<+|-><number><%|pp>, got "${spec}"`);
  const feature = m[1] as ShiftFeature;
  if (!BUCKETS[feature].includes(m[2])) {
    throw new RangeError(`parseShift: unknown ${feature} bucket "${m[2]}"; expected one of ${BUCKETS[feature].join(', ')}`);
  }
  return { feature, bucket: m[2], mode: m[4] === '%' ? 'relative' : 'points', amount: Number(m[3]) / 100 };
}

/** Target shares of one feature's buckets after the shifts (the generator draws them uniformly). */
export function shiftedShares(feature: ShiftFeature, shifts: readonly TrafficShift[]): Map<string, number> {
  const buckets = BUCKETS[feature];
  const shares = new Map(buckets.map((b) => [b, 1 / buckets.length]));
  for (const s of shifts.filter((x) => x.feature === feature)) {
    const old = shares.get(s.bucket) as number;
    const next = Math.min(1, Math.max(0, s.mode === 'relative' ? old * (1 + s.amount) : old + s.amount));
    const scale = old === 1 ? 0 : (1 - next) / (1 - old);
    for (const b of buckets) shares.set(b, b === s.bucket ? next : (shares.get(b) as number) * scale);
  }
  return shares;
}

/**
 * `count` learner sentences, deterministic in `seed`. Items come from the corpus generator in
 * chunks and are kept with probability proportional to target share / generated share of their
 * tense and person (rejection sampling), so unshifted traffic has the corpus's distribution.
 */
export function generateTraffic(options: TrafficOptions): TutorItem[] {
  const shifts = options.shifts ?? [];
  const weights = (['tense', 'person'] as const).map((f) => {
    const shares = shiftedShares(f, shifts);
    const uniform = 1 / BUCKETS[f].length;
    return new Map([...shares].map(([b, p]) => [b, p / uniform]));
  });
  const maxWeight = weights.reduce((m, w) => m * Math.max(...w.values()), 1);
  const lemmas = [...corpusLemmas(), ...newLemmaPool(options.newLemmas ?? 0)];
  const accept = mulberry32(options.seed ^ 0x5eed);
  const out: TutorItem[] = [];
  for (let chunk = 0; out.length < options.count; chunk++) {
    const items = generateItems({ seed: options.seed * 7919 + chunk, count: 1000, lemmas, idPrefix: 'traffic' });
    for (const item of items) {
      const w = (weights[0].get(item.verb.tense) as number) * (weights[1].get(item.verb.person) as number);
      if (accept() * maxWeight >= w) continue;
      out.push({ ...item, id: `traffic-${String(out.length + 1).padStart(6, '0')}` });
      if (out.length === options.count) break;
    }
  }
  return out;
}
