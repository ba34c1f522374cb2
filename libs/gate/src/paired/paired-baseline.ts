import type { EvalBaseline, EvalResult } from '@lynx/schema';
import { ValidationError } from '@lynx/schema';
import { evalQuotaBuckets } from '@lynx/tutor';
import { buildBaseline } from '../baseline';
import { GATE_FAIL_ALPHA, GATE_PASS_ALPHA } from './constants';
import { itemOutcomesDigest, serializeItemOutcomes } from './outcomes';
import { GATE_ASSUMED_DISCORDANCE, planGatePower } from './power';

/** Where the baseline model's outcomes live, relative to eval_baseline.json. */
export const DEFAULT_OUTCOMES_PATH = 'data/eval/baseline-outcomes.jsonl';

export interface PairedBaselineFiles {
  baseline: EvalBaseline;
  /** The outcomes file's text (write it at outcomes_path, relative to the baseline file). */
  outcomesText: string;
}

/**
 * A new paired baseline from an eval result that carries per-item outcomes: the outcomes file
 * (sorted JSONL) and a baseline naming it by digest, with the gating buckets planned from the
 * eval set's bucket sizes (planGatePower; candidates: the previous baseline's gating list, else
 * every tense, person, error type and the eval set's quota verbs).
 */
export function buildPairedBaseline(result: EvalResult, tolerance: number, previous?: EvalBaseline, outcomesPath = DEFAULT_OUTCOMES_PATH): PairedBaselineFiles {
  if (!result.items || result.items.length === 0) {
    throw new ValidationError('the eval result has no per-item outcomes (items); produce it with `lynx gate evaluate --out`, which records them');
  }
  const sizes = Object.fromEntries(Object.entries(result.buckets).map(([name, b]) => [name, b.n]));
  const plan = planGatePower(sizes, previous?.gating ?? evalQuotaBuckets(), {
    tolerance,
    alpha: previous?.alpha ?? GATE_PASS_ALPHA,
    failAlpha: previous?.fail_alpha ?? GATE_FAIL_ALPHA,
    discordance: previous?.discordance ?? GATE_ASSUMED_DISCORDANCE,
  });
  const outcomesText = serializeItemOutcomes(result.items);
  const baseline = buildBaseline(result, tolerance, previous, {
    outcomes_path: outcomesPath,
    outcomes_digest: itemOutcomesDigest(result.items),
    gating: plan.buckets.filter((b) => b.gating).map((b) => b.name),
    report_only: plan.buckets.filter((b) => !b.gating).map((b) => b.name),
    alpha: plan.alpha,
    fail_alpha: plan.failAlpha,
    discordance: plan.discordance,
  });
  return { baseline, outcomesText };
}
