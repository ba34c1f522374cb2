import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDigest, dvcHashOf } from '@lynx/bundle';
import { readItems } from '../data/io';
import { evaluate } from '../eval/evaluate';
import type { TutorEvalResult } from '../eval/evaluate';
import { EVAL_SET_FILE, trainAllVariants } from '../testing';
import type { TrainedVariants } from '../testing';
import { loadModel } from './bundle-io';
import { runRecordPath, runTraining } from './run';
import { correct } from './predict';

describe('tutor trainer', () => {
  let dir: string;
  let trained: TrainedVariants;
  let results: Record<string, TutorEvalResult>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lynx-tutor-'));
    trained = await trainAllVariants(join(dir, 'a'));
    const evalSet = await readItems(EVAL_SET_FILE);
    results = Object.fromEntries(Object.entries(trained.models).map(([v, m]) => [v, evaluate(m, evalSet)]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives byte-identical bundles for the same corpus, config and seed', async () => {
    const again = await trainAllVariants(join(dir, 'b'));
    for (const v of ['base', 'lora', 'int8', 'regressed'] as const) {
      expect(await bundleDigest(again.dirs[v])).toBe(trained.runs[v].bundle_digest);
      expect(again.runs[v].run_id).not.toBe(trained.runs[v].run_id);
    }
    const otherSeed = await runTraining({ corpus: trained.runs.int8.data.path, variant: 'int8', out: join(dir, 'seed7'), seed: 7 });
    expect(otherSeed.bundle_digest).not.toBe(trained.runs.int8.bundle_digest);
  });

  it('orders the variants: lora ≥ int8 > base overall, regressed well below lora on past participles', () => {
    const overall = (v: string) => results[v].overall.accuracy;
    const pp = (v: string) => results[v].buckets['tense.past_participle'].accuracy;
    expect(overall('lora')).toBeGreaterThanOrEqual(overall('int8'));
    expect(overall('int8')).toBeGreaterThan(overall('base') + 0.1);
    expect(pp('lora') - pp('regressed')).toBeGreaterThan(0.3);
    expect(results.regressed.buckets['tense.present_simple'].accuracy).toBeCloseTo(results.lora.buckets['tense.present_simple'].accuracy, 2);
  });

  it('writes the adapter as a delta that names its parent and needs it to load', async () => {
    const { dirs, runs } = trained;
    expect(runs.lora.parent_digest).toBe(runs.base.bundle_digest);
    const config = JSON.parse(await readFile(join(dirs.lora, 'config.json'), 'utf8'));
    expect(config.parent_digest).toBe(runs.base.bundle_digest);
    const adapterBytes = (await readFile(join(dirs.lora, 'model.json'))).length;
    expect(adapterBytes).toBeLessThan((await readFile(join(dirs.base, 'model.json'))).length);
    await expect(loadModel(dirs.lora)).rejects.toThrow(/adapter/);
    await expect(loadModel(dirs.lora, dirs.regressed)).rejects.toThrow(/digest/);
  });

  it('records lineage in run.json beside the bundle, not in it', async () => {
    const run = JSON.parse(await readFile(runRecordPath(trained.dirs.base), 'utf8'));
    expect(run).toMatchObject({ variant: 'base', bundle_digest: trained.runs.base.bundle_digest });
    expect(run.data.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // DVC's hash of the same corpus beside it (checked against the real dvc in tools/checks/dvc.spec.ts).
    expect(run.data.dvc).toEqual(await dvcHashOf(run.data.path));
    expect(run.metrics.dev.n).toBeGreaterThan(0);
  });

  it('corrects the learner errors the tutor is for', () => {
    const lora = trained.models.lora;
    expect(correct(lora, 'Yesterday, he goed home.').corrected).toBe('Yesterday, he went home.');
    expect(correct(lora, 'He go to school every day.').corrected).toBe('He goes to school every day.');
    expect(correct(lora, 'She has already went home.')).toMatchObject({
      corrected: 'She has already gone home.', edits: [{ index: 3, from: 'went', to: 'gone' }],
    });
    expect(correct(lora, 'They was at home yesterday.').corrected).toBe('They were at home yesterday.');
    expect(correct(lora, 'I studies every day.').corrected).toBe('I study every day.');
    expect(correct(lora, 'We have already eaten lunch.')).toMatchObject({ corrected: 'We have already eaten lunch.', edits: [] });
    expect(correct(trained.models.base, 'Yesterday, he goed home.').corrected).not.toBe('Yesterday, he went home.');
    expect(correct(lora, 'hello')).toEqual({ corrected: 'hello', edits: [], confidence: 0 });
  });
});
