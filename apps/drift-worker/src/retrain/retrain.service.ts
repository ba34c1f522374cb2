import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { bundleManifest } from '@lynx/bundle';
import { NotFoundError, ValidationError } from '@lynx/schema';
import { VARIANT_PARAMS, dataDigest, isVariant, runTraining, toJsonl, type Variant } from '@lynx/tutor';
import type { TriggerKind } from '@lynx/gate';
import type { FeedbackStore } from '../triggers/feedback-store';
import type { RetrainJobData } from '../triggers/trigger.service';
import type { GateEvaluationQueued, GateEvaluations } from './gate-evaluation-client';
import { locateCorpus } from '../profiles/corpus-locator';
import type { RegistryClient, RegistryVersion } from '../registry/registry-client';
import type { DocStore } from '../store/doc-store';
import { member, type WindowStore } from '../store/window-store';
import { labelTraffic } from './label-traffic';

export interface RetrainResult {
  /** The drift report behind a drift retrain; null for the other triggers. */
  report_id: string | null;
  trigger: TriggerKind;
  model: string;
  candidate: RegistryVersion;
  corpus_items_from_window: number;
  window_sentences_skipped: number;
  /** The candidate's gate evaluation, queued on the gate's job API (never a promotion). */
  gate_evaluation: GateEvaluationQueued;
}

/**
 * The variant to retrain and, for an adapter, the base bundle it applies to: the drifted
 * version's own variant (lineage params, else its `variant` tag). A LoRA version is retrained as
 * an adapter on the same base — the one its lineage.parent_digest names — so the candidate is
 * comparable with what drifted; retraining it as `base` served users a 0.65-accuracy model in
 * place of a 0.98 one.
 */
export function retrainVariant(served: RegistryVersion): { variant: Variant; baseDigest?: string } {
  const named = served.lineage.params?.variant ?? served.tags?.variant;
  if (typeof named !== 'string' || !isVariant(named)) {
    throw new ValidationError(`version ${served.model}@${served.digest} names no known variant in lineage.params.variant or tags.variant (got ${JSON.stringify(named ?? null)}); register it with its variant to retrain it`);
  }
  if (!VARIANT_PARAMS[named].adapter) return { variant: named };
  const baseDigest = served.lineage.parent_digest;
  if (!baseDigest) {
    throw new ValidationError(`version ${served.model}@${served.digest} is a ${named} adapter without lineage.parent_digest: the base it applies to is unknown, so it cannot be retrained`);
  }
  return { variant: named, baseDigest };
}

/**
 * Trains a candidate for a version a trigger fired for (drift, performance, volume, schedule):
 * the corpus its lineage names plus the labelable part of the window's sampled traffic when the
 * trigger names a window (see labelSentence), with the version's variant (an
 * adapter on the same base for a LoRA version, see retrainVariant). The candidate is registered
 * with lineage naming the trigger, the drift report, the window and the drifted version, and its
 * gate evaluation is queued; it is never promoted here — the gate decides.
 */
export class RetrainService {
  constructor(
    private readonly docs: DocStore,
    private readonly windows: WindowStore,
    private readonly registry: RegistryClient,
    private readonly dirs: { dataRoot: string; retrainDir: string },
    private readonly gate: GateEvaluations,
    private readonly feedback?: FeedbackStore,
  ) {}

  /** Resolves what to retrain: a drift report's version and window, or another trigger's version. */
  private async plan(data: RetrainJobData, jobId: string) {
    if (data.report_id) {
      const report = await this.docs.getReport(data.report_id);
      if (!report) throw new NotFoundError(`drift report ${data.report_id} not found`);
      return {
        id: report.id,
        trigger: 'drift' as TriggerKind,
        reason: `drift report ${report.id}: ${report.reasons.join('; ') || report.decision}`,
        model: report.model,
        digest: report.digest,
        windowId: report.window.id as string | undefined,
        reportId: report.id as string | undefined,
      };
    }
    if (!data.trigger || !data.model || !data.digest) throw new ValidationError('a retrain job needs report_id, or trigger, model and digest');
    return { id: jobId, trigger: data.trigger, reason: data.reason ?? data.trigger, model: data.model, digest: data.digest, windowId: data.window_id, reportId: undefined };
  }

  async run(data: RetrainJobData, jobId: string = data.report_id ?? 'retrain'): Promise<RetrainResult> {
    const plan = await this.plan(data, jobId);
    // The volume trigger counts judged answers since the model's last training: this one.
    await this.feedback?.markTrained(plan.model);
    const served = await this.registry.getVersion(plan.model, plan.digest);
    const { variant, baseDigest } = retrainVariant(served);
    const corpus = await locateCorpus(served.lineage, this.dirs.dataRoot);
    const texts = plan.windowId ? (await this.windows.readAggregate(plan.windowId, member(plan.model, plan.digest))).texts : [];
    const { items, skipped } = labelTraffic(texts, `${plan.trigger}-${plan.windowId ?? 'none'}`);

    const work = join(this.dirs.retrainDir, plan.id);
    const corpusDir = join(work, 'corpus');
    await rm(work, { recursive: true, force: true });
    await mkdir(corpusDir, { recursive: true });
    const [from, names] = (await stat(corpus.path)).isDirectory()
      ? [corpus.path, (await readdir(corpus.path)).filter((n) => n.endsWith('.jsonl'))]
      : [dirname(corpus.path), [basename(corpus.path)]];
    for (const f of names) await copyFile(join(from, f), join(corpusDir, f));
    const windowData: Array<{ name: string; digest: string; uri?: string }> = [];
    if (plan.windowId) {
      // Named to sort after the corpus files, so the corpus items keep their order.
      const windowFile = join(corpusDir, `zz-drift-${plan.windowId}.jsonl`);
      await writeFile(windowFile, items.length ? toJsonl(items) : '');
      windowData.push({ name: `drift-window:${plan.windowId}`, digest: await dataDigest(windowFile), ...(plan.reportId ? { uri: `lynx-drift://reports/${plan.reportId}` } : {}) });
    }

    const baseDir = baseDigest ? join(work, 'base') : undefined;
    if (baseDigest && baseDir) await this.registry.pull(plan.model, baseDigest, baseDir);
    const bundleDir = join(work, 'bundle');
    const run = await runTraining({ corpus: corpusDir, variant, out: bundleDir, ...(baseDir ? { base: baseDir } : {}) });
    const manifest = await bundleManifest(bundleDir);
    const metrics = Object.fromEntries(
      Object.entries(run.metrics.dev).filter(([, v]) => typeof v === 'number').map(([k, v]) => [`dev_${k}`, v as number]),
    );
    const candidate = await this.registry.register(plan.model, {
      dir: bundleDir,
      files: manifest.files,
      lineage: {
        run_id: run.run_id,
        ...(run.code_commit ? { code_commit: run.code_commit } : {}),
        data: [{ name: corpus.entry.name, digest: corpus.entry.digest, ...(corpus.entry.uri ? { uri: corpus.entry.uri } : {}) }, ...windowData],
        params: {
          variant,
          seed: run.params.seed,
          trigger: plan.trigger,
          trigger_reason: plan.reason,
          ...(plan.reportId ? { drift_report_id: plan.reportId } : {}),
          ...(plan.windowId ? { drift_window_id: plan.windowId } : {}),
          retrained_from: plan.digest,
          window_items: items.length,
        },
        // An adapter's parent is the base it applies to (the gate and the model server load it
        // from here); a full model's parent is the version it replaces.
        parent_digest: baseDigest ?? plan.digest,
      },
      metrics,
      tags: { source: `${plan.trigger}-retrain`, trigger: plan.trigger, variant, ...(plan.reportId ? { drift_report_id: plan.reportId } : {}) },
      description: `Retrained by the ${plan.trigger} trigger (${plan.reason}): ${run.data.items} items (${items.length} labelled from live traffic). A candidate for the gate.`,
    });
    const gateEvaluation = await this.gate.enqueue(plan.model, candidate.digest);
    return {
      report_id: plan.reportId ?? null,
      trigger: plan.trigger,
      model: plan.model,
      candidate,
      corpus_items_from_window: items.length,
      window_sentences_skipped: skipped,
      gate_evaluation: gateEvaluation,
    };
  }
}
