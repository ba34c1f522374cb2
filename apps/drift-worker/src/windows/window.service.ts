import { randomUUID } from 'node:crypto';
import { NotFoundError, SUBJECTS } from '@lynx/schema';
import type { DriftConfig } from '../config/drift-config';
import { minimumWindow } from '../reports/minimum-window';
import type { Scalar } from '../features/features';
import type { ReferenceProfile } from '../profiles/profile';
import { buildReport, reportId } from '../reports/build-report';
import type { WorkerReport } from '../reports/worker-report';
import type { DocStore } from '../store/doc-store';
import { WindowStore, splitMember } from '../store/window-store';

export interface Publisher {
  publish(subject: string, payload: unknown, msgId: string): Promise<unknown>;
}

/** The other retrain triggers, evaluated for each version as its window closes (TriggerService). */
export interface WindowTriggers {
  afterWindow(windowId: string, model: string, digest: string, now: Date): Promise<unknown>;
}

export interface RetrainEnqueuer {
  add(name: string, data: { report_id: string }, opts: { jobId: string }): Promise<unknown>;
}

/** lynx.drift.retrain_requested */
export interface RetrainRequestedEvent {
  event_id: string;
  time: string;
  report_id: string;
  model: string;
  digest: string;
  window_id: string;
}

const binsOf = (ref: ReferenceProfile | null): Partial<Record<Scalar, number>> =>
  Object.fromEntries(Object.entries(ref?.scalars ?? {}).map(([s, v]) => [s, v.counts.length]));

/**
 * Closes a window: rotates it (once, compare-and-set), writes one report per (model, digest)
 * that had traffic, publishes each on lynx.drift.report, and for `retrain` publishes
 * lynx.drift.retrain_requested and enqueues a retrain job whose id is the report id. Running it
 * again for the same window returns the stored reports and changes nothing.
 */
export class WindowService {
  constructor(
    private readonly windows: WindowStore,
    private readonly docs: DocStore,
    private readonly config: Pick<DriftConfig, 'thresholds' | 'minCount' | 'cooldownWindows'>,
    private readonly publisher: Publisher,
    private readonly retrain: RetrainEnqueuer,
    private readonly triggers?: WindowTriggers,
  ) {}

  async currentWindowId(): Promise<string> {
    return (await this.windows.currentWindow()).id;
  }

  async close(windowId: string, now = new Date()): Promise<WorkerReport[]> {
    let meta = await this.windows.windowMeta(windowId);
    if (!meta?.end) meta = await this.windows.rotate(windowId, now.getTime());
    if (!meta?.end) throw new NotFoundError(`window ${windowId} is neither open nor closed`);
    const window = { id: meta.id, start: meta.start, end: meta.end };
    const previousId = await this.windows.previousWindowId(windowId);
    const reports: WorkerReport[] = [];
    for (const m of await this.windows.members(windowId)) {
      const [model, digest] = splitMember(m);
      const state = await this.docs.getState(m);
      const existing = await this.docs.getReport(reportId(windowId, model, digest));
      if (existing && state.lastWindowId === windowId) {
        // A re-run: the triggers' job ids and cooldowns make evaluating them again harmless.
        await this.triggers?.afterWindow(windowId, model, digest, now);
        reports.push(existing);
        continue;
      }
      const reference = await this.docs.getProfile(digest);
      const current = WindowStore.padBins(await this.windows.readAggregate(windowId, m), binsOf(reference));
      const prev = previousId ? WindowStore.padBins(await this.windows.readAggregate(previousId, m), binsOf(reference)) : null;
      const { report, next, cooldown } = buildReport({
        window,
        current,
        previous: prev && prev.count > 0 ? prev : null,
        reference,
        state,
        cooldown: await this.docs.getCooldown(model),
        cooldownWindows: this.config.cooldownWindows,
        thresholds: this.config.thresholds,
        minCount: minimumWindow(this.config.minCount, reference, this.config.thresholds),
        now,
      });
      await this.docs.putReport(report);
      await this.docs.putStateAndCooldown(m, next, model, cooldown);
      await this.publisher.publish(SUBJECTS.driftReport, report, report.id);
      if (report.decision === 'retrain') await this.requestRetrain(report, now);
      await this.triggers?.afterWindow(windowId, model, digest, now);
      reports.push(report);
    }
    // Keep this window and the one before it (the next close compares with this one).
    const closed = await this.windows.closedWindowIds();
    const i = closed.indexOf(windowId);
    if (i >= 0 && closed[i + 2]) await this.windows.dropWindow(closed[i + 2]);
    return reports;
  }

  private async requestRetrain(report: WorkerReport, now: Date): Promise<void> {
    const event: RetrainRequestedEvent = {
      event_id: randomUUID(),
      time: now.toISOString(),
      report_id: report.id,
      model: report.model,
      digest: report.digest,
      window_id: report.window.id,
    };
    await this.publisher.publish(SUBJECTS.driftRetrainRequested, event, `retrain-${report.id}`);
    await this.retrain.add('retrain', { report_id: report.id }, { jobId: report.id });
  }
}
