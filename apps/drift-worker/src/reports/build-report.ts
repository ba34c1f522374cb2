import { decideDrift, type DriftCooldown, type DriftDecisionState } from '@lynx/gate';
import type { DriftThresholds } from '@lynx/schema';
import { CATEGORICALS, PROFILED_SCALARS } from '../features/features';
import type { ReferenceProfile } from '../profiles/profile';
import { compareWindow, rawLevel } from './compare';
import type { WindowAggregate } from './window-aggregate';
import type { WorkerReport } from './worker-report';

export interface BuildReportInput {
  window: { id: string; start: string; end: string };
  current: WindowAggregate;
  previous: WindowAggregate | null;
  reference: ReferenceProfile | null;
  state: DriftDecisionState;
  /** The model's retrain cooldown before this window (counted in windows). */
  cooldown: DriftCooldown;
  cooldownWindows: number;
  thresholds: DriftThresholds;
  /** Minimum window: fewer events → insufficient_data (see driftMinimumWindow). */
  minCount: number;
  now: Date;
}

/** Deterministic per window and version, so closing a window twice writes the same report. */
export function reportId(windowId: string, model: string, digest: string): string {
  return `dr-${windowId}-${model}-${digest.replace(/^sha256:/, '').slice(0, 12)}`;
}

const HISTOGRAM_BUCKETS = 30;

function shares(counts: Record<string, number> | undefined): Map<string, number> {
  const total = Object.values(counts ?? {}).reduce((s, v) => s + v, 0);
  return new Map(Object.entries(counts ?? {}).map(([k, v]) => [k, total ? v / total : 0]));
}

function histograms(cur: WindowAggregate, ref: ReferenceProfile | null): WorkerReport['histograms'] {
  const out: WorkerReport['histograms'] = [];
  for (const feature of CATEGORICALS) {
    const r = ref ? shares(ref.categorical[feature]) : null;
    const c = shares(cur.categorical[feature]);
    const buckets = [...new Set([...(r?.keys() ?? []), ...c.keys()])]
      .map((bucket) => ({ bucket, reference: r ? (r.get(bucket) ?? 0) : null, current: c.get(bucket) ?? 0 }))
      .sort((a, b) => Math.max(b.reference ?? 0, b.current) - Math.max(a.reference ?? 0, a.current))
      .slice(0, HISTOGRAM_BUCKETS);
    out.push({ feature, buckets });
  }
  for (const s of PROFILED_SCALARS) {
    const p = ref?.scalars[s];
    const bins = cur.bins[s];
    if (!p || !bins) continue;
    const rt = p.counts.reduce((a, b) => a + b, 0);
    const ct = bins.reduce((a, b) => a + b, 0) || 1;
    out.push({
      feature: s,
      buckets: p.counts.map((n, i) => ({ bucket: `${p.edges[i]}–${p.edges[i + 1]}`, reference: n / rt, current: (bins[i] ?? 0) / ct })),
    });
  }
  return out;
}

/** One window's report for one (model, digest) and the decision state to keep. */
export function buildReport(input: BuildReportInput): { report: WorkerReport; next: DriftDecisionState; cooldown: DriftCooldown } {
  const { current: cur, reference: ref } = input;
  const { metrics, topMovers } = compareWindow(cur, ref, input.previous, input.thresholds);
  const raw = ref ? rawLevel(metrics) : null;
  const d = decideDrift({
    windowId: input.window.id,
    hasReference: ref !== null,
    count: cur.count,
    minCount: input.minCount,
    raw: raw ?? 'none',
    state: input.state,
    cooldown: input.cooldown,
    cooldownWindows: input.cooldownWindows,
  });
  // no_reference reports no numbers against a reference it does not have.
  const shown = d.decision === 'no_reference' ? metrics.filter((m) => m.against === 'previous') : metrics;
  const report: WorkerReport = {
    id: reportId(input.window.id, cur.model, cur.digest),
    model: cur.model,
    digest: cur.digest,
    window: input.window,
    previous_window_id: input.previous?.windowId ?? null,
    count: cur.count,
    decision: d.decision,
    metrics: shown,
    top_movers: d.decision === 'no_reference' ? [] : topMovers,
    created_at: input.now.toISOString(),
    reasons: d.reasons,
    raw_level: raw,
    flags: cur.flags,
    retrain_requested: d.decision === 'retrain',
    histograms: histograms(cur, ref),
  };
  return { report, next: { ...d.next, lastWindowId: input.window.id }, cooldown: d.cooldown };
}
