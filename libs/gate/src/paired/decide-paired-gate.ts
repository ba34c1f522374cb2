import { DuplicateEvalItemError, IncompleteEvalOutcomesError, UnknownEvalItemError, ValidationError } from '@lynx/schema';
import { GATE_FAIL_ALPHA } from './constants';
import { decideFromCounts } from './decide-from-counts';
import type { PairedBucketCounts, PairedGateDecision, PairedGateInput } from './types';

const SHOWN = 5; // ids quoted in an error message; details carry the count

function outcomeMap(side: 'baseline' | 'candidate', outcomes: PairedGateInput['baseline']): Map<string, boolean> {
  if (!Array.isArray(outcomes)) throw new ValidationError(`${side} outcomes must be an array of {id, correct}`);
  const map = new Map<string, boolean>();
  const dups: string[] = [];
  for (const o of outcomes) {
    if (!o || typeof o.id !== 'string' || o.id.length === 0 || typeof o.correct !== 'boolean') {
      throw new ValidationError(`${side} outcomes must be {id: non-empty string, correct: boolean}; got ${JSON.stringify(o)}`);
    }
    if (map.has(o.id)) dups.push(o.id);
    map.set(o.id, o.correct);
  }
  if (dups.length > 0) {
    throw new DuplicateEvalItemError(
      `${side} outcomes list ${dups.length} item(s) more than once (${dups.slice(0, SHOWN).join(', ')}); give each eval item exactly one outcome`,
      { side, duplicates: dups.length, ids: dups.slice(0, SHOWN) },
    );
  }
  return map;
}

/**
 * The deploy gate's decision from paired per-item outcomes. For each bucket, with b pairs the
 * baseline got right and the candidate wrong and c the reverse, the difference candidate −
 * baseline = (c − b)/n gets two one-sided Tango score bounds (@lynx/math tangoScoreBound): a lower
 * bound at 1 − alpha and an upper bound at 1 − failAlpha/K (K gating buckets, Bonferroni).
 * A bucket passes when lower > −tolerance (the drop is shown to be smaller than the tolerance),
 * fails when upper < −tolerance (a drop larger than the tolerance is shown), else is
 * inconclusive. The candidate passes only if every gating bucket passes (intersection–union);
 * any gating fail fails it; otherwise it is inconclusive and must not be promoted. Report-only
 * buckets get the same numbers and a verdict that decides nothing.
 *
 * Pure and deterministic: the gate service, the CLI, the registry's re-computation and the
 * decisions benchmark all call this one function. Throws ValidationError (bad tolerance/alpha,
 * empty bucket, no gating bucket), DuplicateEvalItemError, UnknownEvalItemError (an id the
 * baseline lacks) and IncompleteEvalOutcomesError (the candidate misses baseline items).
 */
export function decidePairedGate(input: PairedGateInput): PairedGateDecision {
  const { tolerance, alpha } = input;
  const failAlpha = input.failAlpha ?? GATE_FAIL_ALPHA;
  if (typeof tolerance !== 'number' || !(tolerance > 0 && tolerance < 1)) throw new ValidationError(`tolerance must be in (0, 1), got ${String(tolerance)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) throw new ValidationError(`alpha must be in (0, 0.5), got ${String(alpha)}`);
  if (typeof failAlpha !== 'number' || !(failAlpha > 0 && failAlpha < 0.5)) throw new ValidationError(`failAlpha must be in (0, 0.5), got ${String(failAlpha)}`);
  if (!Array.isArray(input.buckets)) throw new ValidationError('buckets must be an array of {name, itemIds, gating}');

  const base = outcomeMap('baseline', input.baseline);
  const cand = outcomeMap('candidate', input.candidate);
  const unknown = [...cand.keys()].filter((id) => !base.has(id));
  if (unknown.length > 0) {
    throw new UnknownEvalItemError(
      `the candidate has outcomes for ${unknown.length} item(s) the baseline never measured (${unknown.slice(0, SHOWN).join(', ')}); evaluate it on the baseline's eval set`,
      { side: 'candidate', unknown: unknown.length, ids: unknown.slice(0, SHOWN) },
    );
  }
  const missing = [...base.keys()].filter((id) => !cand.has(id));
  if (missing.length > 0) {
    throw new IncompleteEvalOutcomesError(
      `the candidate lacks outcomes for ${missing.length} of the baseline's ${base.size} items (${missing.slice(0, SHOWN).join(', ')}); evaluate it on the whole eval set`,
      { missing: missing.length, of: base.size, ids: missing.slice(0, SHOWN) },
    );
  }

  const names = new Set<string>();
  for (const spec of input.buckets) {
    if (!spec || typeof spec.name !== 'string' || spec.name.length === 0 || !Array.isArray(spec.itemIds) || typeof spec.gating !== 'boolean') {
      throw new ValidationError(`a bucket must be {name: non-empty string, itemIds: string[], gating: boolean}; got ${JSON.stringify(spec && { ...spec, itemIds: undefined })}`);
    }
    if (names.has(spec.name)) throw new DuplicateEvalItemError(`bucket ${spec.name} is listed twice; name each bucket once`, { bucket: spec.name });
    names.add(spec.name);
    if (spec.itemIds.length === 0) throw new ValidationError(`bucket ${spec.name} has no items; drop it or give it items`, { bucket: spec.name });
  }
  if (!input.buckets.some((s) => s.gating)) throw new ValidationError('no bucket gates: a gate that checks nothing cannot pass a candidate; mark at least one bucket gating');

  const counts = input.buckets.map((spec): PairedBucketCounts => {
    const seen = new Set<string>();
    let baselineCorrect = 0;
    let candidateCorrect = 0;
    let b = 0;
    let c = 0;
    for (const id of spec.itemIds) {
      if (seen.has(id)) throw new DuplicateEvalItemError(`bucket ${spec.name} lists item ${id} twice; list each item once`, { bucket: spec.name, id });
      seen.add(id);
      const x = base.get(id);
      if (x === undefined) {
        throw new UnknownEvalItemError(`bucket ${spec.name} names item ${id}, which the baseline never measured; the bucket list belongs to another eval set`, { bucket: spec.name, id });
      }
      const y = cand.get(id) as boolean;
      if (x) baselineCorrect++;
      if (y) candidateCorrect++;
      if (x && !y) b++;
      if (!x && y) c++;
    }
    return { name: spec.name, gating: spec.gating, n: spec.itemIds.length, baselineCorrect, candidateCorrect, b, c };
  });
  return decideFromCounts(counts, { tolerance, alpha, failAlpha });
}
