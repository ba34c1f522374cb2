import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { bundleManifest } from '@lynx/bundle';
import { NotFoundError } from '@lynx/schema';
import { VARIANT_PARAMS, dataDigest, isVariant, runTraining, toJsonl, type Variant } from '@lynx/tutor';
import { locateCorpus } from '../profiles/corpus-locator';
import type { RegistryClient, RegistryVersion } from '../registry/registry-client';
import type { DocStore } from '../store/doc-store';
import { member, type WindowStore } from '../store/window-store';
import { labelTraffic } from './label-traffic';

export interface RetrainResult {
  report_id: string;
  model: string;
  candidate: RegistryVersion;
  corpus_items_from_window: number;
  window_sentences_skipped: number;
}

/**
 * Trains a candidate for a drifted version: the corpus its lineage names plus the labelable part
 * of the window's sampled traffic (see labelSentence), with the served version's variant (an
 * adapter variant is retrained as `base`, having no base bundle here). The candidate is
 * registered with lineage naming the drift report and the window; it is never promoted here —
 * the gate decides.
 */
export class RetrainService {
  constructor(
    private readonly docs: DocStore,
    private readonly windows: WindowStore,
    private readonly registry: RegistryClient,
    private readonly dirs: { dataRoot: string; retrainDir: string },
  ) {}

  async run(reportId: string): Promise<RetrainResult> {
    const report = await this.docs.getReport(reportId);
    if (!report) throw new NotFoundError(`drift report ${reportId} not found`);
    const served = await this.registry.getVersion(report.model, report.digest);
    const corpus = await locateCorpus(served.lineage, this.dirs.dataRoot);
    const window = await this.windows.readAggregate(report.window.id, member(report.model, report.digest));
    const { items, skipped } = labelTraffic(window.texts, `drift-${report.window.id}`);

    const work = join(this.dirs.retrainDir, reportId);
    const corpusDir = join(work, 'corpus');
    await rm(work, { recursive: true, force: true });
    await mkdir(corpusDir, { recursive: true });
    const [from, names] = (await stat(corpus.path)).isDirectory()
      ? [corpus.path, (await readdir(corpus.path)).filter((n) => n.endsWith('.jsonl'))]
      : [dirname(corpus.path), [basename(corpus.path)]];
    for (const f of names) await copyFile(join(from, f), join(corpusDir, f));
    // Named to sort after the corpus files, so the corpus items keep their order.
    const windowFile = join(corpusDir, `zz-drift-${report.window.id}.jsonl`);
    await writeFile(windowFile, items.length ? toJsonl(items) : '');
    const windowDigest = await dataDigest(windowFile);

    const servedVariant = served.lineage.params?.variant;
    const variant: Variant =
      typeof servedVariant === 'string' && isVariant(servedVariant) && !VARIANT_PARAMS[servedVariant].adapter ? servedVariant : 'base';
    const bundleDir = join(work, 'bundle');
    const run = await runTraining({ corpus: corpusDir, variant, out: bundleDir });
    const manifest = await bundleManifest(bundleDir);
    const metrics = Object.fromEntries(
      Object.entries(run.metrics.dev).filter(([, v]) => typeof v === 'number').map(([k, v]) => [`dev_${k}`, v as number]),
    );
    const candidate = await this.registry.register(report.model, {
      dir: bundleDir,
      files: manifest.files,
      lineage: {
        run_id: run.run_id,
        ...(run.code_commit ? { code_commit: run.code_commit } : {}),
        data: [
          { name: corpus.entry.name, digest: corpus.entry.digest, ...(corpus.entry.uri ? { uri: corpus.entry.uri } : {}) },
          { name: `drift-window:${report.window.id}`, digest: windowDigest, uri: `lynx-drift://reports/${reportId}` },
        ],
        params: {
          variant,
          seed: run.params.seed,
          drift_report_id: reportId,
          drift_window_id: report.window.id,
          window_items: items.length,
        },
        parent_digest: report.digest,
      },
      metrics,
      tags: { source: 'drift-retrain', drift_report_id: reportId },
      description: `Retrained after drift report ${reportId}: ${run.data.items} items (${items.length} labelled from window ${report.window.id}). A candidate for the gate.`,
    });
    return { report_id: reportId, model: report.model, candidate, corpus_items_from_window: items.length, window_sentences_skipped: skipped };
  }
}
