import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalBaseline, EvalResult } from '@lynx/schema';
import { parseBaseline, baselineFileDigest } from './baseline';
import { type GateComparison, compareToBaseline } from './compare';
import { type EvalSet, checkEvalSet, evaluateBundleDir, loadEvalSet } from './evaluate';
import { bucketSpecsFromItems, loadBaselineOutcomes } from './paired/baseline-outcomes';
import { type PowerTable, planGatePower } from './paired/power';
import { buildGateVerdict, type VerdictBody } from './verdict';
import type { GateBucketSpec, ItemOutcome } from './paired/types';
import type { GateRegistryClient } from './registry-client';

export interface GateInputs {
  baseline: EvalBaseline;
  baselineFileDigest: string;
  evalSet: EvalSet;
  /** The baseline model's per-item outcomes (checked against the baseline's outcomes_digest). */
  baselineOutcomes: ItemOutcome[];
  /** The eval set's buckets, gating as the baseline lists them. */
  bucketSpecs: GateBucketSpec[];
}

/**
 * Reads the baseline and the eval set and checks the eval set's digest against the baseline's
 * eval_set_digest — the gate's first step: a mismatch throws EvalSetMismatchError before any
 * candidate is fetched or evaluated.
 */
export async function loadGateInputs(evalSetPath: string, baselinePath: string): Promise<GateInputs> {
  const text = await readFile(baselinePath, 'utf8');
  const baseline = parseBaseline(text);
  const evalSet = await loadEvalSet(evalSetPath);
  checkEvalSet(evalSet, baseline);
  const baselineOutcomes = await loadBaselineOutcomes(baseline, baselinePath);
  return { baseline, baselineFileDigest: baselineFileDigest(text), evalSet, baselineOutcomes, bucketSpecs: bucketSpecsFromItems(evalSet.items, baseline) };
}

/** `grammar-tutor@sha256:…` / `grammar-tutor@v1.2.0` / `grammar-tutor@production`; undefined for a plain path. */
export function parseModelRef(s: string): { model: string; ref: string } | undefined {
  const m = /^([a-z0-9][a-z0-9._-]{0,63})@(.+)$/.exec(s);
  return m ? { model: m[1], ref: m[2] } : undefined;
}

export interface PulledCandidate {
  dir: string;
  baseDir?: string;
  digest: string;
  cleanup(): Promise<void>;
}

/**
 * Pulls a registry version into a temp dir, with its parent bundle when it is an adapter
 * (lineage.parent_digest), so it can be evaluated in process.
 */
export async function pullCandidate(registry: GateRegistryClient, model: string, ref: string): Promise<PulledCandidate> {
  const work = await mkdtemp(join(tmpdir(), 'lynx-gate-'));
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const version = await registry.version(model, ref);
    const digest = await registry.pull(model, version.digest, join(work, 'candidate'));
    const parent = version.lineage?.parent_digest;
    const baseDir = parent ? join(work, 'base') : undefined;
    if (parent && baseDir) await registry.pull(model, parent, baseDir);
    return { dir: join(work, 'candidate'), baseDir, digest, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export interface GateEvaluation extends GateInputs {
  result: EvalResult;
  comparison: GateComparison;
}

/** Evaluates a bundle folder in process and compares it item by item with the baseline. */
export async function evaluateAgainstBaseline(
  inputs: GateInputs,
  dir: string,
  baseDir?: string,
  tolerance?: number,
  onProgress?: (done: number, total: number) => void,
): Promise<GateEvaluation> {
  const result = await evaluateBundleDir(dir, inputs.evalSet, baseDir, new Date(), onProgress);
  return { ...inputs, result, comparison: compareToBaseline(inputs, result, tolerance ?? inputs.baseline.tolerance_pp) };
}

/** The verdict body for the registry, with what it needs to recompute the decision from the items. */
export function evaluationVerdict(model: string, e: GateEvaluation): VerdictBody {
  return buildGateVerdict({
    model,
    candidate: e.result,
    comparison: e.comparison,
    baselineFileDigest: e.baselineFileDigest,
    baselineDigest: e.baseline.baseline_digest,
    baselineOutcomesDigest: e.baseline.outcomes_digest,
  });
}

/**
 * The power section of a gate report: the eval set's bucket sizes planned with the baseline's
 * levels and assumed discordance, starting from the baseline's gating list.
 */
export function gatePower(inputs: Pick<GateInputs, 'baseline' | 'bucketSpecs'>, tolerance = inputs.baseline.tolerance_pp, discordance = inputs.baseline.discordance): PowerTable {
  const sizes = Object.fromEntries(inputs.bucketSpecs.map((s) => [s.name, s.itemIds.length]));
  const candidates = inputs.baseline.gating ?? inputs.bucketSpecs.map((s) => s.name);
  return planGatePower(sizes, candidates, { tolerance, alpha: inputs.baseline.alpha, failAlpha: inputs.baseline.fail_alpha, discordance });
}
