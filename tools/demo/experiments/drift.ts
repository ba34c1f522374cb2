import { type DemoContext, MODEL, http, lynx } from '../context';
import type { Manifest } from '../manifest';
import { replay, setPlan, type VersionView } from '../steps';
import { waitFor } from '../wait';

interface ReportMetric {
  feature: string;
  metric: string;
  against: string;
  value: number;
  watch?: number;
  retrain?: number;
}

interface Report {
  id: string;
  digest: string;
  decision: string;
  count: number;
  window: { id: string };
  metrics: ReportMetric[];
  top_movers: Array<{ feature: string; bucket?: string; reference_share?: number; current_share?: number }>;
}

/** Waits for the drift worker to have every stored event, then closes the window (`lynx drift close`); returns base's report. */
async function closeWindow(ctx: DemoContext, m: Manifest, digest: string): Promise<Report | undefined> {
  await waitFor('the drift worker to catch up', 60_000, async () => ((await ctx.nats.caughtUp('LYNX_INFERENCE', 'drift-worker')) ? true : undefined));
  const closed = await lynx(ctx, m, 'operator', ['drift', 'close', MODEL, '--json']);
  const body = JSON.parse(closed.stdout) as { reports: Array<{ id: string; digest: string }> };
  const id = body.reports.find((r) => r.digest === digest)?.id;
  if (!id) return undefined;
  return (await lynx(ctx, m, 'reader', ['drift', 'show', id, '--json'], -1).then((r) => JSON.parse(r.stdout))) as Report;
}

const against = (r: Report | undefined) => (r?.metrics ?? []).filter((x) => x.against === 'reference' && (x.metric === 'psi' || x.metric === 'kl'));

/** The candidate the retrain job registers for `reportId`; woken by the registry's events. */
async function candidateFor(ctx: DemoContext, reportId: string, timeoutMs: number): Promise<VersionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const next = ctx.nats.next<unknown>('lynx.registry.version.registered', 2000);
    const { body } = await http<{ items: VersionView[] }>(ctx, undefined, 'reader', 'GET', `${ctx.urls.registry}/v1/models/${MODEL}/versions?tag=source%3Ddrift-retrain&limit=200`);
    const found = body.items.find((v) => v.lineage?.params?.drift_report_id === reportId);
    if (found) {
      next.cancel();
      return found;
    }
    if (Date.now() > deadline) throw new Error(`no candidate registered for drift report ${reportId} within ${timeoutMs / 1000} s`);
    await next.promise;
  }
}

/** Experiment 3: reference profile, a control window, shifted traffic over the thresholds, and the retrain candidate. */
export async function driftExperiment(ctx: DemoContext, m: Manifest): Promise<void> {
  const base = ctx.bundles.base!.digest;
  m.input({ name: 'base (production)', digest: base });
  await setPlan(ctx, m, { strategy: 'single' }, 'demo: all traffic to production for the drift windows');
  const profile = await lynx(ctx, m, 'trainer', ['drift', 'profile', `${MODEL}@${base}`, '--json']);
  const p = JSON.parse(profile.stdout) as { items: number; data: { name: string; digest: string } };
  m.input({ name: `reference profile corpus (${p.data.name})`, digest: p.data.digest, items: p.items });
  await closeWindow(ctx, m, base); // ends the window that holds experiment 2's traffic

  // 2 000 events: with ~100 lemmas, KL of a smaller sample sits near the watch line from sampling noise alone.
  await replay(ctx, m, 2000, 2);
  const control = await closeWindow(ctx, m, base);
  ctx.say(`  control window: ${control?.count ?? 0} events → ${control?.decision}`);

  const shift = ['--shift', 'tense.past_participle=+30%', '--new-lemmas', '20'];
  const r = await replay(ctx, m, 3000, 3, shift);
  const shifted = await closeWindow(ctx, m, base);
  const crossed = against(shifted).filter((x) => x.retrain !== undefined && x.value > x.retrain);
  ctx.say(`  shifted window: ${shifted?.count ?? 0} events → ${shifted?.decision}; over threshold: ${crossed.map((x) => `${x.metric}(${x.feature})=${x.value.toFixed(3)}`).join(', ') || 'none'}`);

  m.figure('control', { report: control?.id, events: control?.count, decision: control?.decision, metrics: against(control).map(({ feature, metric, value, retrain }) => ({ feature, metric, value, retrain })) });
  m.figure('shifted', { report: shifted?.id, events: shifted?.count, decision: shifted?.decision, replay: r, metrics: against(shifted).map(({ feature, metric, value, watch, retrain }) => ({ feature, metric, value, watch, retrain })), top_movers: shifted?.top_movers.slice(0, 5) });
  m.check('control window stays below retrain', control?.decision === 'none' || control?.decision === 'watch', `decision ${control?.decision}`);
  m.check('shifted window decides retrain', shifted?.decision === 'retrain', `decision ${shifted?.decision}`);
  m.check('KL or PSI crosses its retrain threshold', crossed.length > 0, crossed.map((x) => `${x.metric} ${x.feature} ${x.value.toFixed(4)} > ${x.retrain}`).join('; ') || 'none');
  if (!shifted || shifted.decision !== 'retrain') return;

  const candidate = await candidateFor(ctx, shifted.id, 120_000);
  ctx.retrained = { digest: candidate.digest, reportId: shifted.id };
  m.step({ command: `lynx versions ${MODEL} --tag source=drift-retrain`, ms: 0, ok: true, output: candidate.digest });
  m.output({ name: 'retrain candidate', digest: candidate.digest, drift_report_id: shifted.id, parent_digest: candidate.lineage.parent_digest ?? null, data: candidate.lineage.data });
  m.figure('candidate', { digest: candidate.digest, lineage: candidate.lineage, status: candidate.status, aliases: candidate.aliases });
  m.check('candidate lineage names the drift report', candidate.lineage.params?.drift_report_id === shifted.id, `drift_report_id ${String(candidate.lineage.params?.drift_report_id)}`);
  m.check('candidate derives from the drifted version and is not promoted', candidate.lineage.parent_digest === base && !candidate.aliases.includes('production'), `parent ${candidate.lineage.parent_digest}, aliases ${candidate.aliases.join(',') || '-'}`);
  const lineage = await lynx(ctx, m, 'reader', ['lineage', `${MODEL}@${candidate.digest}`], -1);
  m.check('`lynx lineage` of the candidate names the drift report', lineage.code === 0 && lineage.stdout.includes(shifted.id), lineage.code === 0 ? 'named' : `exit ${lineage.code}`);
  ctx.say(`  candidate ${candidate.digest.slice(0, 19)}… registered; lineage → drift report ${shifted.id}`);
}
