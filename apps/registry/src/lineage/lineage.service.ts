import { Inject, Injectable } from '@nestjs/common';
import { ALIASES, type TrafficPlan } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { AliasMove, RegistryStore, VerdictRecord, VersionRecord } from '../store/registry-store';
import { planMentions, refsNaming } from './plan-refs';

const brief = (v: VersionRecord) => ({ model: v.model, digest: v.digest, semver: v.semver, status: v.status, aliases: v.aliases, created_at: v.created_at });

const verdictBrief = (v: VerdictRecord) => ({
  id: v.id,
  passed: v.passed,
  bootstrap: v.bootstrap,
  baseline_digest: v.baseline_digest,
  eval_set_digest: v.eval_set_digest,
  tolerance_pp: v.tolerance_pp ?? null,
  reason: v.reason ?? null,
  created_at: v.created_at,
  created_by: v.created_by,
});

function accuracyOf(result: unknown): number | null {
  const a = (result as { overall?: { accuracy?: unknown } } | null)?.overall?.accuracy;
  return typeof a === 'number' ? a : null;
}

/**
 * A version's lineage: back to its run, code, data and parent; forward to every verdict,
 * evaluation, alias move and traffic plan revision that involved it, the versions retrained from
 * it, and the drift report a retrain names; and why it is (or, with `at`, was) serving: the
 * production move that put it there with that move's verdict, and the traffic plan naming it.
 */
@Injectable()
export class LineageService {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async lineage(model: string, ref: string, at?: string) {
    const version = await this.store.resolve(model, ref);
    const digest = version.digest;
    const [verdicts, evaluations, moves, plans, children, serving, currentPlan] = await Promise.all([
      this.store.listVerdicts(model, digest),
      this.store.listEvaluations(model, digest),
      this.store.modelAliasMoves(model),
      this.store.trafficPlanHistory(model),
      this.store.childVersions(model, digest),
      this.store.servedVersion(model, digest),
      this.store.getTrafficPlan(model),
    ]);
    const { lineage } = version;
    const params = lineage.params ?? {};
    const parent = lineage.parent_digest ? await this.store.getVersion(model, lineage.parent_digest) : undefined;
    const driftReport = typeof params.drift_report_id === 'string' ? params.drift_report_id : null;
    return {
      model,
      version: { ...brief(version), created_by: version.created_by, description: version.description, tags: version.tags, metrics: version.metrics },
      run: { run_id: lineage.run_id ?? null, code_commit: lineage.code_commit ?? null, params, data: lineage.data },
      parent: lineage.parent_digest ? { digest: lineage.parent_digest, registered: parent !== undefined, version: parent ? brief(parent) : null } : null,
      children: children.map(brief),
      drift: driftReport
        ? {
            report_id: driftReport,
            window_id: typeof params.drift_window_id === 'string' ? params.drift_window_id : null,
            data: lineage.data.filter((d) => d.name.startsWith('drift-window:')),
          }
        : null,
      verdicts: verdicts.map(verdictBrief),
      evaluations: evaluations.map((e) => ({ id: e.id, eval_set_digest: e.eval_set_digest, accuracy: accuracyOf(e.result), created_at: e.created_at, created_by: e.created_by })),
      alias_moves: moves
        .filter((m) => m.to_digest === digest || m.from_digest === digest)
        .map((m) => ({ ...m, direction: m.to_digest === digest ? 'to' : 'from' })),
      traffic_plans: planMentions(plans, digest, version.semver, moves),
      serving: serving ?? null,
      why_serving: await this.whyServing(version, moves, at, at ? undefined : currentPlan?.plan as TrafficPlan | undefined, plans),
    };
  }

  /** As of `at` (default now): the production move in effect, its verdict, and the plan naming the version. */
  private async whyServing(
    version: VersionRecord,
    moves: AliasMove[],
    at: string | undefined,
    currentPlan: TrafficPlan | undefined,
    plans: Awaited<ReturnType<RegistryStore['trafficPlanHistory']>>,
  ) {
    const until = at ?? '9999-12-31T23:59:59.999Z'; // ISO strings compare as times
    const production = moves.filter((m) => m.alias === ALIASES.production && m.at <= until);
    const current = production[production.length - 1];
    const isProduction = current?.to_digest === version.digest;
    let verdictId: string | null = null;
    if (isProduction) {
      // A rollback carries no verdict: the one that counts is from the promote that first made it production.
      const promote = [...production].reverse().find((m) => m.to_digest === version.digest && m.verdict_id);
      verdictId = current.verdict_id ?? promote?.verdict_id ?? null;
    }
    const verdict = verdictId ? await this.store.getVerdict(verdictId) : undefined;
    const plan = at ? [...plans].reverse().find((p) => p.updated_at <= at) : undefined;
    const planInEffect = at ? (plan?.plan as TrafficPlan | undefined) : currentPlan;
    const planTime = at ?? until;
    const refs = refsNaming(planInEffect ?? { strategy: 'single' }, planTime, version.digest, version.semver, moves);
    const serving = refs.length > 0;
    return {
      at: at ?? null,
      serving,
      production: isProduction,
      production_move: isProduction ? current : null,
      verdict_id: verdictId,
      verdict: verdict ? verdictBrief(verdict) : null,
      traffic_plan: serving
        ? { revision: at ? (plan?.revision ?? 0) : (plans[plans.length - 1]?.revision ?? 0), strategy: (planInEffect ?? { strategy: 'single' }).strategy, refs }
        : null,
    };
  }
}
