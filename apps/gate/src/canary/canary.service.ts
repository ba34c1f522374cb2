import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type CanaryDecision, GateRegistryClient, buildGateVerdict, decideCanary, evaluateAgainstBaseline, loadGateInputs, makeJudge, pullCandidate } from '@lynx/gate';
import { LynxLogger, LynxNames, NatsService, REDIS_CLIENT } from '@lynx/platform';
import { ConflictError, QUEUES } from '@lynx/schema';
import { readItems } from '@lynx/tutor';
import { GATE_CONFIG, type GateConfig } from '../config/gate-config';
import { type CanaryPlan, isActiveCanary } from './canary-plan';
import { CanaryStatsStore } from './canary-stats';
import { InferenceListener } from './inference-listener';

export interface StartCanary {
  model: string;
  interval_ms?: number;
  /** When given, a canary that completes at 100 % is promoted through the gate with this semver. */
  semver?: string;
}

export interface Measurement {
  model: string;
  decision?: CanaryDecision;
  stopped?: string;
  plan?: CanaryPlan;
}

const schedulerId = (model: string) => `canary-${model}`;

/**
 * Canary analysis: one repeatable BullMQ job per active canary plan measures the canary arm
 * against the stable arm (decideCanary) and applies the decision through the registry's
 * traffic API — a step to the next weight, an abort (weight 0, status aborted, with the reason:
 * the registry records the change in its audit log and publishes lynx.registry.traffic.changed),
 * or on completion a promotion through the gate's path. Emits `measured` (Measurement).
 */
@Injectable()
export class CanaryService extends EventEmitter implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly stats: CanaryStatsStore;
  private listener?: InferenceListener;

  constructor(
    @InjectQueue(QUEUES.canaryAnalysis) private readonly queue: Queue,
    @Inject(GateRegistryClient) private readonly registry: GateRegistryClient,
    @Inject(GATE_CONFIG) private readonly config: GateConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {
    super();
    this.stats = new CanaryStatsStore(redis, names, config.latencySamples);
  }

  async onApplicationBootstrap(): Promise<void> {
    const judge = makeJudge(await readItems(this.config.evalSet));
    this.listener = new InferenceListener(this.nats, this.names, this.stats, judge, this.logger);
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }

  /** The stats listener (tests await its `ingested` events). */
  get inference(): InferenceListener | undefined {
    return this.listener;
  }

  /** Starts, or restarts from zero failures, the analysis of the model's active canary plan. */
  async start(req: StartCanary, reason = 'started through the API') {
    const plan = await this.canaryPlan(req.model);
    if (!plan) throw new ConflictError(`${req.model} has no active canary plan; set one with PUT /v1/traffic/${req.model}`, { model: req.model });
    const { digest } = await this.registry.version(req.model, plan.canary);
    const every = req.interval_ms ?? this.config.canaryIntervalMs;
    const started_at = new Date().toISOString();
    await this.stats.startState(req.model, { failures: 0, analysis_id: randomUUID(), canary: plan.canary, canary_digest: digest, semver: req.semver, interval_ms: every, started_at, reason });
    await this.queue.upsertJobScheduler(schedulerId(req.model), { every }, { name: 'analyse', data: { model: req.model } });
    this.logger.log({ msg: 'canary analysis started', model: req.model, canary: digest, revision: plan.revision, interval_ms: every, reason }, 'Canary');
    return { model: req.model, interval_ms: every, semver: req.semver ?? null, canary_digest: digest, started_at, plan };
  }

  /** Stops the analysis; the first stop of a running one records its reason in the state. */
  async stop(model: string, reason = 'stopped through the API'): Promise<{ model: string; stopped: boolean }> {
    const stopped = await this.queue.removeJobScheduler(schedulerId(model));
    if (stopped) {
      await this.stats.markStopped(model, { at: new Date().toISOString(), reason });
      this.logger.log({ msg: 'canary analysis stopped', model, reason }, 'Canary');
    }
    return { model, stopped };
  }

  async status(model: string) {
    const state = await this.stats.getState(model);
    const scheduler = await this.queue.getJobScheduler(schedulerId(model));
    return { model, active: !!scheduler, ...state };
  }

  private async canaryPlan(model: string): Promise<(CanaryPlan & { revision: number }) | undefined> {
    const { plan, revision } = await this.registry.traffic(model);
    return isActiveCanary(plan) ? { ...plan, revision } : undefined;
  }

  /** One measurement (the repeatable job's body). */
  async measure(model: string): Promise<Measurement> {
    const found = await this.canaryPlan(model);
    if (!found) return this.finish({ model, stopped: 'no active canary plan' }, 'no active canary plan');
    const { revision, ...plan } = found;
    const [stable, canary] = await Promise.all([this.registry.version(model, plan.stable), this.registry.version(model, plan.canary)]);
    const state = await this.stats.getState(model);
    const [stableStats, canaryStats] = await Promise.all([this.stats.read(model, stable.digest), this.stats.read(model, canary.digest)]);
    const decision = decideCanary({ weight: plan.weight, failures: state.failures ?? 0 }, stableStats, canaryStats, this.config.canaryPolicy);
    const { stopped: _stopped, ...running } = state;
    const last = { at: new Date().toISOString(), ...decision, stable: stableStats, canary: canaryStats };
    if (!(await this.stats.setStateIfCurrent(model, state.analysis_id, { ...running, failures: decision.failures, last }))) {
      // Stopped or replaced while this measurement ran: its decision belongs to an analysis that is over.
      return this.finish({ model, stopped: 'the analysis was stopped or replaced during the measurement' });
    }
    if (decision.outcome !== 'inconclusive') await this.stats.reset(model, stable.digest, canary.digest);
    const reason = `canary analysis: ${decision.reason}`;
    let next: CanaryPlan = plan;
    if (decision.action === 'step') next = { ...plan, weight: decision.weight, status: 'progressing' };
    if (decision.action === 'abort') next = { ...plan, weight: 0, status: 'aborted' };
    if (decision.action === 'complete') {
      if (state.semver) await this.promote(model, canary.digest, state.semver);
      next = { ...plan, weight: 100, status: 'completed' };
    }
    if (next !== plan) await this.registry.putTraffic(model, next, reason, revision);
    const done = decision.action === 'abort' || decision.action === 'complete';
    return this.finish({ model, decision, plan: next }, done ? reason : undefined);
  }

  private async finish(m: Measurement, stopReason?: string): Promise<Measurement> {
    if (stopReason) await this.stop(m.model, stopReason);
    this.emit('measured', m);
    return m;
  }

  /** The gate's path, as `lynx gate promote`: evaluate against the baseline, record the verdict, promote only on a pass. */
  private async promote(model: string, digest: string, semver: string): Promise<void> {
    const inputs = await loadGateInputs(this.config.evalSet, this.config.baseline);
    const pulled = await pullCandidate(this.registry, model, digest);
    try {
      const e = await evaluateAgainstBaseline(inputs, pulled.dir, pulled.baseDir);
      const verdict = await this.registry.recordMeasuredVerdict(
        model,
        buildGateVerdict({
          model,
          candidate: e.result,
          comparison: e.comparison,
          baselineFileDigest: e.baselineFileDigest,
          baselineDigest: e.baseline.baseline_digest,
          baselineOutcomesDigest: e.baseline.outcomes_digest,
        }),
        e.result.items,
      );
      if (!e.comparison.passed) throw new Error(`canary ${digest} completed but the gate says ${e.comparison.verdict} (verdict ${verdict.id}); not promoted`);
      await this.registry.promote(model, { digest, semver, verdict_id: verdict.id, reason: `canary completed at 100 %` });
    } finally {
      await pulled.cleanup();
    }
  }
}
