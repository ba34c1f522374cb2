import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type CanaryDecision,
  GateRegistryClient,
  canaryStages,
  evaluateAgainstBaseline,
  evaluationVerdict,
  initialCanaryState,
  loadGateInputs,
  makeJudge,
  pullCandidate,
  reduceCanary,
} from '@lynx/gate';
import { LynxLogger, LynxNames, NatsService, REDIS_CLIENT } from '@lynx/platform';
import { ConflictError, QUEUES, type TrafficPlan } from '@lynx/schema';
import { readItems } from '@lynx/tutor';
import { GATE_CONFIG, type GateConfig } from '../config/gate-config';
import { type CanaryPlan, isActiveCanary, notActiveBecause } from './canary-plan';
import { CanaryMetrics } from './canary-metrics';
import { CanaryStatsStore, sinceLastRead } from './canary-stats';
import { InferenceListener } from './inference-listener';

/** The canary plan's arms whose answers the analysis counts. */
const ARM_ROLES = new Set(['canary', 'stable']);

export interface StartCanary {
  model: string;
  interval_ms?: number;
  /** When given, a canary that completes is promoted through the gate with this semver. */
  semver?: string;
}

export interface Measurement {
  model: string;
  decision?: CanaryDecision;
  stopped?: string;
  plan?: TrafficPlan;
}

const schedulerId = (model: string) => `canary-${model}`;

/**
 * Canary analysis: one repeatable BullMQ job per active canary plan folds the traffic since the
 * last measurement into the analysis (reduceCanary, the pure reducer the decisions benchmark also
 * drives) and applies its decision through the registry's traffic API — a step to the next
 * weight, an abort (weight 0, status aborted), or on completion a promotion through the gate's
 * path (when a semver was given) and the plan `single` on the canary. The registry records each
 * change in its audit log and publishes lynx.registry.traffic.changed. Emits `measured`.
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
    @Inject(CanaryMetrics) private readonly metrics: CanaryMetrics,
  ) {
    super();
    this.stats = new CanaryStatsStore(redis, names, config.latencySamples);
  }

  async onApplicationBootstrap(): Promise<void> {
    const judge = makeJudge(await readItems(this.config.evalSet));
    this.listener = new InferenceListener(this.nats, this.names, judge, this.logger, {
      durable: 'gate-canary',
      context: 'Canary',
      roles: ARM_ROLES,
      completed: (e, judged) => this.stats.recordRequest(e.model, e.digest, { error: e.status === 'error', latencyMs: e.latency_ms, judged }),
      feedback: (f) => this.stats.recordFeedback(f.model, f.digest, f.accepted),
    });
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }

  /** The stats listener (tests await its `ingested` events). */
  get inference(): InferenceListener | undefined {
    return this.listener;
  }

  /** The plan's own steps, else the gate's; validated (weights below 100, rising). */
  private stagesOf(plan: CanaryPlan) {
    try {
      return canaryStages(plan.steps?.length ? plan.steps : this.config.canaryPolicy.steps);
    } catch (err) {
      throw new ConflictError(`the canary plan's steps cannot be run: ${(err as Error).message}; set steps with weights that rise and stay below 100`, { steps: plan.steps });
    }
  }

  /**
   * Starts the analysis of the model's active canary plan. A restart of the same canary after a
   * pause carries its evidence on; any other start begins a fresh analysis at the plan's weight.
   */
  start(req: StartCanary, reason = 'started through the API') {
    // The follower (on a plan event) and the API may start the same model's analysis at the same
    // moment; each reads the state and then writes it, so they take turns (one gate process).
    const next = (this.starting.get(req.model) ?? Promise.resolve()).catch(() => undefined).then(() => this.startNow(req, reason));
    this.starting.set(req.model, next);
    void next.finally(() => {
      if (this.starting.get(req.model) === next) this.starting.delete(req.model);
    }).catch(() => undefined);
    return next;
  }

  private readonly starting = new Map<string, Promise<unknown>>();

  private async startNow(req: StartCanary, reason: string) {
    const plan = await this.canaryPlan(req.model);
    if (!plan) throw new ConflictError(`${req.model} has no active canary plan; set one with PUT /v1/traffic/${req.model} (lynx traffic set --strategy canary)`, { model: req.model });
    const { digest } = await this.registry.version(req.model, plan.canary);
    const stages = this.stagesOf(plan);
    const started_at = new Date().toISOString();
    const prior = await this.stats.getState(req.model);
    // Carry on after a pause, or when the follower and a resume both start the same canary.
    const running = !prior.stopped && !!(await this.queue.getJobScheduler(schedulerId(req.model)));
    const resumes = prior.canary_digest === digest && prior.analysis?.phase === 'running' && (running || /paused/.test(prior.stopped?.reason ?? ''));
    // A start that names no interval (the follower's, seeing the plan event after an operator's
    // start) keeps the running analysis's interval rather than resetting it to the default.
    const every = req.interval_ms ?? (resumes && prior.interval_ms ? prior.interval_ms : this.config.canaryIntervalMs);
    const analysis = resumes ? prior.analysis! : initialCanaryState(stages, plan.weight);
    const seen = resumes ? prior.seen : await this.readTotals(req.model, plan);
    await this.stats.startState(req.model, {
      failures: 0,
      analysis_id: randomUUID(),
      canary: plan.canary,
      canary_digest: digest,
      semver: req.semver ?? (resumes ? prior.semver : undefined),
      interval_ms: every,
      started_at,
      reason: resumes ? `${reason} (resumed)` : reason,
      analysis,
      seen,
    });
    if (analysis.weight !== plan.weight) {
      await this.registry.putTraffic(req.model, { ...plan, weight: analysis.weight, status: 'progressing' }, `canary analysis: start at the first step, ${analysis.weight}%`, plan.revision);
    }
    await this.queue.upsertJobScheduler(schedulerId(req.model), { every }, { name: 'analyse', data: { model: req.model } });
    this.logger.log({ msg: 'canary analysis started', model: req.model, canary: digest, revision: plan.revision, interval_ms: every, reason }, 'Canary');
    return { model: req.model, interval_ms: every, semver: req.semver ?? null, canary_digest: digest, started_at, plan, weight: analysis.weight, resumed: resumes };
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
    const { seen: _seen, analysis, ...rest } = state;
    const summary = analysis && { phase: analysis.phase, stage: analysis.stage, weight: analysis.weight, measurements: analysis.measurements, stable: analysis.stable, canary: analysis.canary };
    return { model, active: !!scheduler, ...rest, ...(summary ? { analysis: summary } : {}) };
  }

  /**
   * The rollout's measurements, newest first: of `digest` when given, else of the canary the last
   * analysis ran (kept after it ends, so a finished rollout's timeline stays readable).
   */
  async measurements(model: string, digest?: string, limit?: number) {
    const canary_digest = digest ?? (await this.stats.getState(model)).canary_digest ?? null;
    const measurements = canary_digest ? await this.stats.measurements(model, canary_digest, limit) : [];
    return { model, canary_digest, measurements };
  }

  /** Pauses the rollout: the plan keeps its weight with status paused; the analysis keeps its evidence. */
  async pause(model: string) {
    const { plan, revision } = await this.registry.traffic(model);
    if (plan.strategy !== 'canary' || plan.status === 'aborted' || plan.status === 'completed') throw new ConflictError(`${model} has no running canary to pause`, { model, plan });
    await this.stop(model, 'paused through the API');
    this.metrics.setPhase(model, (await this.registry.version(model, plan.canary)).digest, 'paused');
    return this.registry.putTraffic(model, { ...plan, status: 'paused' }, 'canary paused through the API', revision);
  }

  /** Resumes a paused rollout where its analysis left off. */
  async resume(model: string, interval_ms?: number) {
    const { plan, revision } = await this.registry.traffic(model);
    if (plan.strategy !== 'canary' || plan.status !== 'paused') throw new ConflictError(`${model} has no paused canary to resume`, { model, plan });
    await this.registry.putTraffic(model, { ...plan, status: 'progressing' }, 'canary resumed through the API', revision);
    return this.start({ model, interval_ms }, 'resumed through the API');
  }

  /** Aborts the rollout: weight 0, status aborted; the router serves stable only. */
  async abort(model: string, reason = 'aborted through the API') {
    const { plan, revision } = await this.registry.traffic(model);
    if (plan.strategy !== 'canary' || plan.status === 'aborted' || plan.status === 'completed') throw new ConflictError(`${model} has no running canary to abort`, { model, plan });
    await this.stop(model, reason);
    return this.registry.putTraffic(model, { ...plan, weight: 0, status: 'aborted' }, `canary ${reason}`, revision);
  }

  /** Completes the rollout now, as the analysis would on success (promotion through the gate when a semver is given). */
  async promoteNow(model: string, semver?: string) {
    const { plan, revision } = await this.registry.traffic(model);
    if (plan.strategy !== 'canary' || plan.status === 'aborted' || plan.status === 'completed') throw new ConflictError(`${model} has no running canary to promote`, { model, plan });
    const { digest } = await this.registry.version(model, plan.canary);
    const state = await this.stats.getState(model);
    await this.stop(model, 'promoted through the API');
    return this.complete(model, plan, digest, semver ?? state.semver, 'canary promoted through the API', revision);
  }

  private async canaryPlan(model: string): Promise<(CanaryPlan & { revision: number }) | undefined> {
    const { plan, revision } = await this.registry.traffic(model);
    return isActiveCanary(plan) ? { ...plan, revision } : undefined;
  }

  private async readTotals(model: string, plan: CanaryPlan) {
    const [stable, canary] = await Promise.all([this.registry.version(model, plan.stable), this.registry.version(model, plan.canary)]);
    const [s, c] = await Promise.all([this.stats.read(model, stable.digest), this.stats.read(model, canary.digest)]);
    const strip = ({ latencies: _l, ...t }: typeof s) => t;
    return { [stable.digest]: strip(s), [canary.digest]: strip(c) };
  }

  /** Why the plan no longer runs an analysis; "rollback: …" when a rollback ended it. */
  private async endedBecause(model: string): Promise<string> {
    const { plan, revision } = await this.registry.traffic(model);
    const changes = await this.registry.trafficHistory(model).catch(() => []);
    const last = changes[changes.length - 1]?.reason ?? '';
    const why = `no active canary plan: ${notActiveBecause(plan)} (plan revision ${revision})`;
    return last.startsWith('rollback') ? `rollback: ${why}` : why;
  }

  /** One measurement (the repeatable job's body). */
  async measure(model: string): Promise<Measurement> {
    const found = await this.canaryPlan(model);
    if (!found) {
      const why = await this.endedBecause(model);
      return this.finish({ model, stopped: why }, why);
    }
    const { revision, ...plan } = found;
    const stages = this.stagesOf(plan);
    const [stable, canary] = await Promise.all([this.registry.version(model, plan.stable), this.registry.version(model, plan.canary)]);
    const state = await this.stats.getState(model);
    // A step is written to the analysis first and to the registry second: a gate killed in between
    // leaves the plan one step behind. Re-apply the analysis's weight before measuring on, so what
    // the router serves is what the analysis judges.
    if (state.analysis && state.analysis.weight !== plan.weight) {
      const caughtUp: CanaryPlan = { ...plan, weight: state.analysis.weight, status: 'progressing' };
      await this.registry.putTraffic(model, caughtUp, `canary analysis: re-applies step weight ${state.analysis.weight}% the plan missed`, revision);
      return this.finish({ model, plan: caughtUp });
    }
    const [stableNow, canaryNow] = await Promise.all([this.stats.read(model, stable.digest), this.stats.read(model, canary.digest)]);
    const measurement = { stable: sinceLastRead(stableNow, state.seen?.[stable.digest]), canary: sinceLastRead(canaryNow, state.seen?.[canary.digest]) };
    const analysis = state.analysis ?? initialCanaryState(stages, plan.weight);
    const { state: next, decision } = reduceCanary(analysis, measurement, this.config.canaryPolicy, stages);
    const { stopped: _stopped, ...running } = state;
    const { latencies: _a, ...stableSeen } = stableNow;
    const { latencies: _b, ...canarySeen } = canaryNow;
    const last = { at: new Date().toISOString(), ...decision, stable: measurement.stable.requests, canary: measurement.canary.requests };
    const record = {
      at: last.at,
      analysis_id: state.analysis_id ?? null,
      canary_digest: canary.digest,
      stage: analysis.stage,
      weight: analysis.weight,
      stable_requests: measurement.stable.requests,
      canary_requests: measurement.canary.requests,
      decision,
    };
    const written = await this.stats.setStateIfCurrent(model, state.analysis_id, { ...running, analysis: next, seen: { [stable.digest]: stableSeen, [canary.digest]: canarySeen }, last }, record);
    if (!written) {
      // Stopped or replaced while this measurement ran: its decision belongs to an analysis that is over.
      return this.finish({ model, stopped: 'the analysis was stopped or replaced during the measurement' });
    }
    this.metrics.measured(model, canary.digest, next, decision);
    const reason = `canary analysis: ${decision.reason}`;
    if (decision.action === 'step') {
      const stepped: CanaryPlan = { ...plan, weight: decision.weight, status: 'progressing' };
      await this.registry.putTraffic(model, stepped, reason, revision);
      return this.finish({ model, decision, plan: stepped });
    }
    if (decision.action === 'abort') {
      const aborted: CanaryPlan = { ...plan, weight: 0, status: 'aborted' };
      await this.registry.putTraffic(model, aborted, reason, revision);
      return this.finish({ model, decision, plan: aborted }, reason);
    }
    if (decision.action === 'complete') {
      await this.stop(model, reason);
      const done = await this.complete(model, plan, canary.digest, state.semver, reason, revision);
      return this.finish({ model, decision, plan: done.plan });
    }
    return this.finish({ model, decision, plan });
  }

  /**
   * The rollout's end on success: with a semver, promotion through the gate's path (evaluate,
   * record the verdict, promote only on a pass) and the plan `single` on production; without
   * one, the plan `single` on the canary's digest.
   */
  private async complete(model: string, plan: CanaryPlan, digest: string, semver: string | undefined, reason: string, revision: number) {
    if (semver) await this.promote(model, digest, semver);
    const single: TrafficPlan = semver ? { strategy: 'single' } : { strategy: 'single', ref: digest };
    return this.registry.putTraffic(model, single, `${reason}; the plan becomes single on ${semver ? `production (${semver})` : digest}`, revision);
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
        evaluationVerdict(model, e),
        e.result.items,
      );
      if (!e.comparison.passed) {
        throw new ConflictError(`canary ${digest} completed but the gate says ${e.comparison.verdict} (verdict ${verdict.id}); not promoted`, { digest, verdict_id: verdict.id });
      }
      await this.registry.promote(model, { digest, semver, verdict_id: verdict.id, reason: 'canary completed' });
    } finally {
      await pulled.cleanup();
    }
  }
}
