import { join } from 'node:path';
import type { DriftCooldown, DriftDecisionState } from '@lynx/gate';
import { DRIFT_THRESHOLDS } from '@lynx/schema';
import { correct, generateTraffic, loadModel, parseShift, readItems, runTraining, type TrafficOptions, type TutorModel } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { makeTempDir } from '@lynx/platform/testing';
import { CATEGORICALS, PROFILED_SCALARS, SCALARS, binIndex, sentenceFeatures, splitCategory } from '../features/features';
import { buildProfile, type ReferenceProfile } from '../profiles/profile';
import { buildReport } from './build-report';
import type { WindowAggregate } from './window-aggregate';

// Pure: the window aggregate is built here the way the Redis script counts it (categorical buckets,
// the profile's scalar bins, every scalar in the sample since 1 000 ≤ the reservoir), then the
// report and decision are the worker's own functions.

const MODEL = 'grammar-tutor';
const DIGEST = `sha256:${'d'.repeat(64)}`;

function aggregate(windowId: string, tutor: TutorModel, profile: ReferenceProfile, opts: TrafficOptions): WindowAggregate {
  const agg: WindowAggregate = { windowId, model: MODEL, digest: DIGEST, count: 0, flags: {}, categorical: Object.fromEntries(CATEGORICALS.map((c) => [c, {}])), bins: {}, samples: {}, texts: [] };
  generateTraffic(opts).forEach((item, i) => {
    const f = sentenceFeatures(item.input, correct(tutor, item.input).corrected, 5 + (i % 7));
    agg.count++;
    for (const field of f.categories) {
      const [feature, bucket] = splitCategory(field);
      agg.categorical[feature][bucket] = (agg.categorical[feature][bucket] ?? 0) + 1;
    }
    SCALARS.forEach((s, k) => (agg.samples[s] ??= []).push(f.scalars[k]));
    for (const s of PROFILED_SCALARS) {
      const edges = profile.scalars[s]!.edges;
      const bins = (agg.bins[s] ??= new Array(edges.length - 1).fill(0));
      bins[binIndex(edges, f.scalars[SCALARS.indexOf(s)])]++;
    }
  });
  return agg;
}

describe('drift decisions under sampling noise (1 000-event windows)', () => {
  let tutor: TutorModel;
  let profile: ReferenceProfile;
  let tmp: { dir: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-drift-noise-');
    await runTraining({ corpus: CORPUS_DIR, variant: 'base', out: join(tmp.dir, 'base') });
    tutor = await loadModel(join(tmp.dir, 'base'));
    const items = [...(await readItems(join(CORPUS_DIR, 'train-000.jsonl'))), ...(await readItems(join(CORPUS_DIR, 'train-001.jsonl')))];
    profile = buildProfile({ model: MODEL, digest: DIGEST, data: { name: 'corpus', digest: `sha256:${'c'.repeat(64)}` }, items });
  }, 60_000);
  afterAll(() => tmp?.cleanup());

  /** Closes consecutive windows of traffic and returns each report. */
  function run(windows: TrafficOptions[]) {
    let state: DriftDecisionState = {};
    let cooldown: DriftCooldown = { left: 0 };
    let previous: WindowAggregate | null = null;
    return windows.map((opts, i) => {
      const current = aggregate(`w${i}`, tutor, profile, opts);
      const r = buildReport({
        window: { id: `w${i}`, start: new Date(i * 1000).toISOString(), end: new Date((i + 1) * 1000).toISOString() },
        current, previous, reference: profile, state, cooldown, cooldownWindows: 1, thresholds: DRIFT_THRESHOLDS, minCount: 500, now: new Date((i + 1) * 1000),
      });
      const report = r.report;
      state = r.next;
      cooldown = r.cooldown;
      previous = current;
      return report;
    });
  }
  const lemmaKl = (r: ReturnType<typeof run>[number]) => r.metrics.find((m) => m.feature === 'lemma' && m.metric === 'kl' && m.against === 'reference')!;

  it('unshifted traffic stays `none` over consecutive windows: the plug-in lemma KL carries its bias, the corrected value does not', () => {
    const reports = run([21, 22, 23, 24, 25, 26].map((seed) => ({ seed, count: 1000 })));
    expect(reports.map((r) => r.decision)).toEqual(Array(6).fill('none'));
    for (const r of reports) expect(r.raw_level).toBe('none');
    // The plug-in lemma KL of 1 000 events sits near (k−1)/(2n); the deciding value is centred on 0.
    const k = Object.keys(profile.categorical.lemma).length;
    const rows = reports.map(lemmaKl);
    expect(Math.max(...rows.map((m) => m.kl!))).toBeGreaterThan(((k - 1) / 2000) * 0.5);
    for (const m of rows) {
      expect(m.value).toBeLessThan(m.kl! - ((k - 1) / 2000) * 0.9);
      expect(Math.abs(m.value)).toBeLessThan(m.watch);
      expect(m.verdict).toBe('ok');
    }
  });

  it('a window under the minimum is insufficient_data whatever it shows', () => {
    const [report] = run([{ seed: 22, count: 300, shifts: [parseShift('tense.past_participle=+30%')], newLemmas: 20 }]);
    expect(report.decision).toBe('insufficient_data');
  });

  it('the shifted traffic of the end-to-end test (past participles +30 %, 20 new lemmas) is still `retrain`', () => {
    const [report] = run([{ seed: 22, count: 1000, shifts: [parseShift('tense.past_participle=+30%')], newLemmas: 20 }]);
    expect(report.decision).toBe('retrain');
    expect(lemmaKl(report)).toMatchObject({ verdict: 'drift', significant: true });
    const [big] = run([{ seed: 22, count: 5000, shifts: [parseShift('tense.past_participle=+30%')], newLemmas: 20 }]);
    expect(big.decision).toBe('retrain');
  });
});
