import type { Transaction } from 'kysely';
import {
  BaselineMismatchError,
  BaselineRequiredError,
  EvalSetMismatchError,
  VerdictDigestMismatchError,
  VerdictNotPassingError,
  VerdictRequiredError,
  VerdictUntrustedSourceError,
} from '@lynx/schema';
import { currentBaseline } from './baseline-queries';
import type { Database } from './db';
import { checkCandidateOutcomes, getOutcomes, putOutcomes, sortOutcomes } from './outcomes';
import { recomputeDecision, type RecomputedDecision } from './recompute';
import { TRUSTED_VERDICT_SOURCES, type BaselineRecord, type NewVerdict, type PromoteInput } from './registry-store';

// The registry trusts only what it can check: a verdict's outcomes are recomputed against the
// registered baseline when it is recorded and again, under the model's row lock, when it promotes.

async function baselineOutcomes(trx: Transaction<Database>, baseline: BaselineRecord) {
  const items = await getOutcomes(trx, baseline.outcomes_digest);
  if (!items) throw new Error(`outcome set ${baseline.outcomes_digest} of baseline ${baseline.digest} is missing`);
  return items;
}

function sameBaseline(baseline: BaselineRecord | undefined, evalSet: string, named: string | null | undefined, model: string): BaselineRecord {
  if (!baseline) {
    throw new BaselineRequiredError(`model ${model} has no registered baseline; register one with \`lynx baseline update\``, { model });
  }
  if (evalSet !== baseline.eval_set_digest) {
    throw new EvalSetMismatchError(`the verdict was measured on eval set ${evalSet}, the registered baseline on ${baseline.eval_set_digest}`, {
      eval_set_digest: evalSet,
      baseline_eval_set_digest: baseline.eval_set_digest,
    });
  }
  if (named !== undefined && named !== baseline.digest) {
    throw new BaselineMismatchError(`the verdict was computed against baseline ${named ?? 'none'}, not the current ${baseline.digest}; evaluate again`, {
      verdict_baseline_digest: named,
      current_baseline_digest: baseline.digest,
    });
  }
  return baseline;
}

/**
 * Before a verdict with outcomes is stored: its items must be the baseline's, and a verdict that
 * claims a pass must recompute to one (else it was edited: verdict_not_passing). Nothing is stored
 * when a check fails. Returns what the verdict row keeps.
 */
export async function checkNewVerdict(
  trx: Transaction<Database>,
  input: NewVerdict,
): Promise<{ outcomes_digest: string; registered_baseline_digest: string; decision: RecomputedDecision }> {
  const baseline = sameBaseline(await currentBaseline(trx, input.model), input.eval_set_digest, input.registered_baseline_digest, input.model);
  const baseItems = await baselineOutcomes(trx, baseline);
  checkCandidateOutcomes(baseItems, input.items!);
  const sorted = sortOutcomes(input.items!);
  const decision = recomputeDecision(baseline, baseItems, sorted);
  if (input.passed && decision.verdict !== 'pass') {
    throw new VerdictNotPassingError(`the verdict claims a pass, but its outcomes recompute to ${decision.verdict}`, { decision: decision.verdict, buckets: decision.not_passing });
  }
  return { outcomes_digest: await putOutcomes(trx, sorted), registered_baseline_digest: baseline.digest, decision };
}

/**
 * The verdict a promotion names, checked inside the promotion's transaction (after the model's row
 * lock, so a baseline update cannot slip in between the check and the move).
 */
export async function checkPromotionVerdict(trx: Transaction<Database>, input: PromoteInput, production: string | null): Promise<void> {
  if (!input.verdict_id) {
    if (input.require_verdict) throw new VerdictRequiredError('a production promote needs a passing gate verdict for this digest');
    return;
  }
  const verdict = await trx.selectFrom('verdicts').selectAll().where('id', '=', input.verdict_id).executeTakeFirst();
  const details = { verdict_id: input.verdict_id, digest: input.digest };
  if (!verdict || verdict.model !== input.model) throw new VerdictRequiredError(`verdict ${input.verdict_id} is not a verdict of ${input.model}`, details);
  if (verdict.digest !== input.digest) {
    throw new VerdictDigestMismatchError(`verdict ${input.verdict_id} was measured on ${verdict.digest}, not ${input.digest}`, { ...details, verdict_digest: verdict.digest });
  }
  if (input.strict && !TRUSTED_VERDICT_SOURCES.includes(verdict.source ?? '')) {
    throw new VerdictUntrustedSourceError(
      `verdict ${input.verdict_id} was recorded by ${verdict.source ?? 'an unknown source'} (${verdict.created_by}); with LYNX_ENV=prod only the gate service or the OIDC-verified deploy workflow may vouch for a release`,
      { ...details, source: verdict.source },
    );
  }
  if (!verdict.passed) throw new VerdictNotPassingError(`verdict ${input.verdict_id} did not pass`, details);
  if (verdict.bootstrap) {
    if (production !== null) throw new VerdictRequiredError('a bootstrap verdict is refused once a production version exists', details);
    return;
  }
  const current = await currentBaseline(trx, input.model);
  if (!input.strict && !current) return;
  const baseline = sameBaseline(current, verdict.eval_set_digest, verdict.registered_baseline_digest, input.model);
  const items = verdict.outcomes_digest ? await getOutcomes(trx, verdict.outcomes_digest) : undefined;
  if (!items) throw new VerdictNotPassingError(`verdict ${input.verdict_id} carries no per-item outcomes, so the registry cannot recompute it`, details);
  const decision = recomputeDecision(baseline, await baselineOutcomes(trx, baseline), items);
  if (decision.verdict !== 'pass') {
    throw new VerdictNotPassingError(`recomputed against baseline ${baseline.digest}, verdict ${input.verdict_id} is ${decision.verdict}`, {
      ...details,
      decision: decision.verdict,
      buckets: decision.not_passing,
    });
  }
}
