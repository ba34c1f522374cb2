import { parseReference, type TrafficPlan } from '@lynx/schema';
import type { AliasMove, TrafficPlanChange } from '../store/registry-store';
import { planRefs } from '../traffic/traffic.service';

/** How a plan ref named the version: its digest (or a prefix), its semver, or an alias pointing at it then. */
export type RefVia = 'digest' | 'semver' | 'alias';

export interface PlanMention {
  revision: number;
  at: string;
  actor: string;
  role: string;
  reason: string | null;
  strategy: string;
  refs: Array<{ ref: string; via: RefVia }>;
}

/** The digest `alias` pointed at just after `at` (moves in id order, at or before `at`). */
export function aliasAt(moves: readonly AliasMove[], alias: string, at: string): string | null {
  let digest: string | null = null;
  for (const m of moves) {
    if (m.alias !== alias) continue;
    if (m.at > at) break;
    digest = m.to_digest;
  }
  return digest;
}

/** The refs of `plan` that meant `digest` at time `at` (a plan with no ref serves `production`). */
export function refsNaming(plan: TrafficPlan, at: string, digest: string, semver: string | null, moves: readonly AliasMove[]) {
  const refs = planRefs(plan);
  const out: Array<{ ref: string; via: RefVia }> = [];
  for (const ref of refs.length ? refs : ['production']) {
    const parsed = parseReference(ref);
    if (!parsed) continue;
    if (parsed.kind === 'digest' && parsed.value === digest) out.push({ ref, via: 'digest' });
    else if (parsed.kind === 'prefix' && digest.startsWith(`sha256:${parsed.value}`)) out.push({ ref, via: 'digest' });
    else if (parsed.kind === 'semver' && parsed.value === semver) out.push({ ref, via: 'semver' });
    else if (parsed.kind === 'alias' && aliasAt(moves, parsed.value, at) === digest) out.push({ ref, via: 'alias' });
  }
  return out;
}

/** Every plan revision that named the version when it was stored. */
export function planMentions(
  history: readonly TrafficPlanChange[],
  digest: string,
  semver: string | null,
  moves: readonly AliasMove[],
): PlanMention[] {
  const out: PlanMention[] = [];
  for (const h of history) {
    const plan = h.plan as TrafficPlan;
    const refs = refsNaming(plan, h.updated_at, digest, semver, moves);
    if (refs.length) {
      out.push({ revision: h.revision, at: h.updated_at, actor: h.updated_by, role: h.role, reason: h.reason, strategy: plan.strategy, refs });
    }
  }
  return out;
}
