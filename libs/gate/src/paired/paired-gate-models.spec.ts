import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigestMismatchError } from '@lynx/schema';
import { EVAL_SET_FILE, REPO_ROOT, type TrainedVariants, trainAllVariants } from '@lynx/tutor/testing';
import { buildBaseline, serializeBaseline } from '../baseline';
import { evaluateBundleDir } from '../evaluate';
import { evaluateAgainstBaseline, gatePower, loadGateInputs } from '../gate-run';
import { serializeItemOutcomes, itemOutcomesDigest } from './outcomes';

// The paired gate on the real tutor variants, the committed eval set and eval_baseline.json.
describe('the paired gate on the committed eval set and baseline', () => {
  let dir: string;
  let trained: TrainedVariants;
  const baselinePath = join(REPO_ROOT, 'eval_baseline.json');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lynx-paired-'));
    trained = await trainAllVariants(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lora (the baseline model) passes; regressed fails naming its buckets, tense.past_participle among them', async () => {
    const inputs = await loadGateInputs(EVAL_SET_FILE, baselinePath);
    const lora = await evaluateAgainstBaseline(inputs, trained.dirs.lora, trained.dirs.base);
    expect(lora.comparison.verdict).toBe('pass');
    const regressed = await evaluateAgainstBaseline(inputs, trained.dirs.regressed);
    expect(regressed.comparison.verdict).toBe('fail');
    expect(regressed.comparison.decision.failing).toContain('tense.past_participle');
    expect(regressed.comparison.decision.failing.every((b) => inputs.baseline.gating?.includes(b))).toBe(true);
  });

  it('base against a baseline of its own outcomes passes', async () => {
    const inputs = await loadGateInputs(EVAL_SET_FILE, baselinePath);
    const own = await evaluateBundleDir(trained.dirs.base, inputs.evalSet);
    const outcomes = own.items ?? [];
    await writeFile(join(dir, 'base-outcomes.jsonl'), serializeItemOutcomes(outcomes));
    const baseline = buildBaseline(own, inputs.baseline.tolerance_pp, undefined, {
      outcomes_path: 'base-outcomes.jsonl',
      outcomes_digest: itemOutcomesDigest(outcomes),
      gating: inputs.baseline.gating,
      report_only: inputs.baseline.report_only,
      alpha: inputs.baseline.alpha,
      fail_alpha: inputs.baseline.fail_alpha,
      discordance: inputs.baseline.discordance,
    });
    await writeFile(join(dir, 'base-baseline.json'), serializeBaseline(baseline));
    const againstSelf = await evaluateAgainstBaseline(await loadGateInputs(EVAL_SET_FILE, join(dir, 'base-baseline.json')), trained.dirs.base);
    expect(againstSelf.comparison.verdict).toBe('pass');
    expect(againstSelf.comparison.buckets.every((b) => b.b === 0 && b.c === 0)).toBe(true);
  });

  it('every bucket the baseline gates is powered, and the power plan agrees with the baseline', async () => {
    const inputs = await loadGateInputs(EVAL_SET_FILE, baselinePath);
    const power = gatePower(inputs);
    expect(power.buckets.filter((b) => b.gating).map((b) => b.name)).toEqual(inputs.baseline.gating);
    for (const b of power.buckets.filter((x) => x.gating)) expect(b.n).toBeGreaterThanOrEqual(b.needed);
    for (const name of ['tense.past_participle', 'person.3sg', 'error.VERB:SVA', 'verb.be', 'verb.go', 'verb.have']) expect(inputs.baseline.gating).toContain(name);
  });

  it('refuses baseline outcomes that do not match their digest', async () => {
    // The baseline names its outcomes relative to itself: a copy beside tampered outcomes.
    await mkdir(join(dir, 'data', 'eval'), { recursive: true });
    await copyFile(baselinePath, join(dir, 'eval_baseline.json'));
    const outcomes = await readFile(join(REPO_ROOT, 'data', 'eval', 'baseline-outcomes.jsonl'), 'utf8');
    await writeFile(join(dir, 'data', 'eval', 'baseline-outcomes.jsonl'), outcomes.replace('"correct":true', '"correct":false'));
    await expect(loadGateInputs(EVAL_SET_FILE, join(dir, 'eval_baseline.json'))).rejects.toThrow(DigestMismatchError);
    await writeFile(join(dir, 'data', 'eval', 'baseline-outcomes.jsonl'), outcomes);
    await expect(loadGateInputs(EVAL_SET_FILE, join(dir, 'eval_baseline.json'))).resolves.toMatchObject({ baselineOutcomes: expect.any(Array) });
  });
});
