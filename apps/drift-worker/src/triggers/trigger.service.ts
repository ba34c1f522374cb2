import { performanceMinJudged, performanceTrigger, scheduleTrigger, triggerCooldown, triggerJobId, volumeTrigger, type TriggerKind } from '@lynx/gate';
import type { DriftConfig } from '../config/drift-config';
import type { RegistryClient, RegistryVersion } from '../registry/registry-client';
import type { FeedbackStore } from './feedback-store';

/** A retrain job: from a drift report (report_id) or from another trigger (its reason). */
export interface RetrainJobData {
  report_id?: string;
  trigger?: TriggerKind;
  model?: string;
  digest?: string;
  reason?: string;
  /** The window whose labelled traffic joins the corpus, when there is one. */
  window_id?: string;
}

export interface RetrainQueue {
  add(name: string, data: RetrainJobData, opts: { jobId: string }): Promise<unknown>;
}

export interface FiredTrigger {
  kind: TriggerKind;
  model: string;
  digest: string;
  job_id: string;
  reason: string;
}

export type TriggerConfig = DriftConfig['triggers'];

/** Power 0.95 against a live rate 5 pp past the allowed drop; none reachable → never decide. */
function minJudgedFor(gateAccuracy: number, maxDrop: number, alpha: number): number {
  try {
    return performanceMinJudged({ gateAccuracy, maxDrop, alpha, power: 0.95, effect: 0.05 });
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

/** The accuracy of the version at its latest gate evaluation, or null when it has none. */
export function gateAccuracy(version: RegistryVersion): number | null {
  const evaluations = version.evaluations ?? [];
  for (let i = evaluations.length - 1; i >= 0; i--) {
    const acc = (evaluations[i].result as { overall?: { accuracy?: unknown } } | null)?.overall?.accuracy;
    if (typeof acc === 'number') return acc;
  }
  return null;
}

/**
 * The retrain triggers other than drift: performance (this window's live pass rate significantly
 * below the version's gate accuracy by more than the allowed drop), volume (N judged answers since
 * the model's last retrain) and schedule (a cron expression). The decisions are the pure functions
 * of @lynx/gate; this service feeds them, applies each kind's cooldown (a configured duration) and
 * queues a retrain job whose id says what fired it, so evaluating the same event twice queues once.
 */
export class TriggerService {
  constructor(
    private readonly store: FeedbackStore,
    private readonly registry: RegistryClient,
    private readonly queue: RetrainQueue,
    private readonly config: TriggerConfig,
  ) {}

  /** Called for each version's report as a window closes. */
  async afterWindow(windowId: string, model: string, digest: string, now = new Date()): Promise<FiredTrigger[]> {
    await this.store.setServed(model, digest);
    const fired: FiredTrigger[] = [];
    const counts = await this.store.windowCounts(windowId, model, digest);
    if (counts.judged > 0) {
      const accuracy = gateAccuracy(await this.registry.getVersion(model, digest));
      if (accuracy !== null) {
        const p = this.config.performance;
        const minJudged = p.minJudged ?? minJudgedFor(accuracy, p.maxDrop, p.alpha);
        const r = performanceTrigger({ ...counts, gateAccuracy: accuracy, maxDrop: p.maxDrop, alpha: p.alpha, minJudged });
        if (r.decision === 'fire') {
          const period = Math.floor(now.getTime() / Math.max(1, p.cooldownMs));
          const f = await this.fire('performance', model, digest, `${windowId}-${period}`, r.reason, p.cooldownMs, now, windowId);
          if (f) fired.push(f);
        }
      }
    }
    const v = this.config.volume;
    if (v.threshold !== undefined) {
      const since = await this.store.sinceTraining(model);
      const r = volumeTrigger({ newJudged: since, threshold: v.threshold });
      if (r.decision === 'fire') {
        const f = await this.fire('volume', model, digest, `${windowId}-${since}`, r.reason, v.cooldownMs, now, windowId);
        if (f) fired.push(f);
      }
    }
    fired.push(...(await this.scheduleFor(model, digest, now)));
    return fired;
  }

  /** The schedule trigger of every model seen at a window close (the BullMQ cron job runs this). */
  async scheduleTick(now = new Date()): Promise<FiredTrigger[]> {
    const fired: FiredTrigger[] = [];
    for (const [model, digest] of Object.entries(await this.store.served())) fired.push(...(await this.scheduleFor(model, digest, now)));
    return fired;
  }

  private async scheduleFor(model: string, digest: string, now: Date): Promise<FiredTrigger[]> {
    const s = this.config.schedule;
    if (!s.cron) return [];
    const since = Math.max(await this.store.scheduleSince(model, now.getTime()), (await this.store.lastFired('schedule', model)) ?? 0);
    const r = scheduleTrigger({ cron: s.cron, since: new Date(since), now });
    if (r.decision !== 'fire' || !r.occurrence) return [];
    const f = await this.fire('schedule', model, digest, r.occurrence, r.reason, s.cooldownMs, now, undefined, Date.parse(r.occurrence));
    return f ? [f] : [];
  }

  private async fire(kind: TriggerKind, model: string, digest: string, key: string, reason: string, cooldownMs: number, now: Date, windowId?: string, firedAt = now.getTime()): Promise<FiredTrigger | null> {
    const cooldown = triggerCooldown({ lastFiredAt: await this.store.lastFired(kind, model), cooldownMs, now: now.getTime() });
    if (cooldown.held) return null;
    const jobId = triggerJobId(kind, model, digest, key);
    await this.queue.add('retrain', { trigger: kind, model, digest, reason, ...(windowId ? { window_id: windowId } : {}) }, { jobId });
    await this.store.setFired(kind, model, firedAt);
    // A retrain is coming: judged answers so far are in it, so the volume count starts again.
    await this.store.markTrained(model);
    return { kind, model, digest, job_id: jobId, reason };
  }
}
