import { abHorizon } from '@lynx/gate';
import { AbHorizonFixedError, type AbHorizonSpec, type TrafficPlan } from '@lynx/schema';

const DESIGN = ['mde', 'alpha', 'power', 'baseline_rate', 'looks'] as const;
type AbPlan = Extract<TrafficPlan, { strategy: 'ab' }>;

const sameArms = (a: AbPlan, b: AbPlan) =>
  a.arms.length === b.arms.length && a.arms.every((x, i) => x.ref === b.arms[i].ref && (x.name ?? x.ref) === (b.arms[i].name ?? b.arms[i].ref));

/**
 * Fixes an A/B's horizon when it starts and keeps it while it runs, as a clinical trial's
 * protocol fixes its sample size: a new A/B (no running one, or other arms) gets its horizon
 * computed from the design given (`abHorizon`), with `started_at` = now; a change to the running
 * A/B (weights, a reason) keeps the stored horizon, whether or not the request repeats it; a
 * request that would change its design is refused (409 ab_horizon_fixed). Values a client sends
 * for the computed fields are replaced.
 */
export function fixAbHorizon(previous: TrafficPlan | undefined, next: TrafficPlan, now: Date): TrafficPlan {
  if (next.strategy !== 'ab') return next;
  const running = previous?.strategy === 'ab' && previous.horizon && sameArms(previous, next) ? previous.horizon : undefined;
  if (running) {
    const asked = next.horizon;
    const changed = asked ? DESIGN.filter((k) => asked[k] !== undefined && asked[k] !== running[k]) : [];
    if (changed.length) {
      throw new AbHorizonFixedError(
        `the A/B's horizon was fixed when it started (${running.started_at}); ${changed.join(', ')} cannot change while the same arms run. End this A/B (set another strategy) and start a new one to test another design.`,
        { running, changed },
      );
    }
    return { ...next, horizon: running };
  }
  if (!next.horizon) return next;
  const h = abHorizon({
    mde: next.horizon.mde,
    alpha: next.horizon.alpha,
    power: next.horizon.power,
    baseline_rate: next.horizon.baseline_rate ?? undefined,
    looks: next.horizon.looks,
  });
  const horizon: AbHorizonSpec = { ...h, started_at: now.toISOString() };
  return { ...next, horizon };
}
