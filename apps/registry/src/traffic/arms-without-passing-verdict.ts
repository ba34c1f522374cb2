import type { TrafficPlan } from '@lynx/schema';
import { servingArms } from './serving-arms';

export interface ArmWithoutVerdict {
  arm: string;
  ref: string;
  digest: string;
}

export interface ArmVerdictDeps {
  resolve(ref: string): Promise<{ digest: string }>;
  /** The registry's one notion of "this digest passed the gate" (see hasPassingVerdict). */
  hasPassingVerdict(digest: string): Promise<boolean>;
  /** The production digest, if any: it serves users already, through promote or rollback. */
  productionDigest(): Promise<string | undefined>;
  /**
   * Digests the model's current plan already serves to users. They were admitted when that plan
   * was set (by a verdict or an admin's audited override), so pausing, stepping or aborting the
   * same rollout is never refused.
   */
  alreadyServing?(): Promise<Set<string>>;
}

/**
 * The arms of a plan that would answer users with a version lacking a passing gate verdict. The
 * current production version counts as verdicted: it got there through the gate's promote path
 * (or a rollback to an earlier production), and a canary's stable arm is usually it.
 */
export async function armsWithoutPassingVerdict(plan: TrafficPlan, deps: ArmVerdictDeps): Promise<ArmWithoutVerdict[]> {
  const arms = servingArms(plan);
  if (arms.length === 0) return [];
  const production = await deps.productionDigest();
  const serving = (await deps.alreadyServing?.()) ?? new Set<string>();
  const lacking: ArmWithoutVerdict[] = [];
  for (const { arm, ref } of arms) {
    const { digest } = await deps.resolve(ref);
    if (digest !== production && !serving.has(digest) && !(await deps.hasPassingVerdict(digest))) lacking.push({ arm, ref, digest });
  }
  return lacking;
}
