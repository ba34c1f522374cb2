import type { Upstream, VersionInfo } from '@lynx/platform';
import { ALIASES, ValidationError, type ServingRole, type TrafficPlan } from '@lynx/schema';
import type { Arm, CompiledPlan } from '../routing/compiled-plan';

export interface PlanInput {
  model: string;
  revision: number;
  plan: TrafficPlan;
}

export interface CompileDeps {
  /** Resolves a registry ref of `model`; throws a LynxError (404 for an unknown ref). */
  resolve(ref: string): Promise<VersionInfo>;
  /** servingCheck from @lynx/platform: the rules the registry applies too (prod semvers, allowed upstreams). */
  check(v: VersionInfo): { upstream: Upstream } | { problem: string };
}

interface ArmSpec {
  name: string;
  role: ServingRole;
  ref: string;
  weight: number;
}

/** The arms a plan names, before resolution; the first is the stable one. */
function armSpecs(plan: TrafficPlan): { arms: ArmSpec[]; shadow?: ArmSpec & { percent: number } } {
  switch (plan.strategy) {
    case 'single':
      return { arms: [{ name: plan.ref ?? ALIASES.production, role: 'primary', ref: plan.ref ?? ALIASES.production, weight: 1 }] };
    case 'ab':
      return { arms: plan.arms.map((a) => ({ name: a.name ?? a.ref, role: 'ab' as const, ref: a.ref, weight: a.weight })) };
    case 'shadow':
      return {
        arms: [{ name: 'primary', role: 'primary', ref: plan.primary, weight: 1 }],
        shadow: { name: 'shadow', role: 'shadow', ref: plan.shadow, weight: 0, percent: plan.percent },
      };
    case 'canary':
      return {
        arms: [
          { name: 'stable', role: 'stable', ref: plan.stable, weight: 100 - plan.weight },
          { name: 'canary', role: 'canary', ref: plan.canary, weight: plan.weight },
        ],
      };
    case 'bluegreen':
      return {
        arms: [
          { name: 'active', role: 'primary', ref: plan.active, weight: 1 },
          { name: 'preview', role: 'preview', ref: plan.preview, weight: 0 },
        ],
      };
    case 'bandit':
      // An arm the guardrail dropped serves nothing and need not resolve any more.
      return { arms: plan.arms.filter((a) => !a.dropped).map((a) => ({ name: a.name ?? a.ref, role: 'bandit' as const, ref: a.ref, weight: a.weight })) };
  }
}

/**
 * Resolves every ref of a plan to a digest and an upstream, once, at load time. Any ref that does
 * not resolve, has no allowed upstream, or (in prod) is a pre-release makes the whole plan invalid:
 * a ValidationError naming each such ref, so the caller keeps the plan it runs.
 */
export async function compilePlan(input: PlanInput, deps: CompileDeps): Promise<CompiledPlan> {
  const specs = armSpecs(input.plan);
  const all = [...specs.arms, ...(specs.shadow ? [specs.shadow] : [])];
  const problems: Array<{ ref: string; arm: string; problem: string }> = [];
  const resolved = await Promise.all(
    all.map(async (spec): Promise<Arm | undefined> => {
      let v: VersionInfo;
      try {
        v = await deps.resolve(spec.ref);
      } catch (err) {
        const e = err as { status?: number; message?: string };
        if (e.status !== 404 && e.status !== 409) throw err; // registry down: not the plan's fault
        problems.push({ ref: spec.ref, arm: spec.name, problem: e.message ?? 'does not resolve' });
        return undefined;
      }
      const served = deps.check(v);
      if ('problem' in served) {
        problems.push({ ref: spec.ref, arm: spec.name, problem: served.problem });
        return undefined;
      }
      const upstream = served.upstream;
      return { name: spec.name, role: spec.role, ref: spec.ref, digest: v.digest, semver: v.semver, weight: spec.weight, upstream };
    }),
  );
  if (problems.length) {
    const list = problems.map((p) => `${p.ref} (${p.arm}): ${p.problem}`).join('; ');
    throw new ValidationError(`traffic plan for ${input.model} cannot be served: ${list}`, { refs: problems });
  }
  const arms = resolved.slice(0, specs.arms.length) as Arm[];
  const shadowArm = specs.shadow ? (resolved[specs.arms.length] as Arm) : undefined;
  return {
    model: input.model,
    revision: input.revision,
    plan: input.plan,
    arms,
    stable: arms[0],
    ...(shadowArm && specs.shadow ? { shadow: { arm: shadowArm, percent: specs.shadow.percent } } : {}),
    loadedAt: new Date().toISOString(),
  };
}
