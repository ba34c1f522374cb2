import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { GateRegistryClient, makeJudge, reallocateBandit, type BanditArmStats, type BanditPlan } from '@lynx/gate';
import { LynxLogger, LynxNames, NatsService, REDIS_CLIENT } from '@lynx/platform';
import { ConfigError, LynxError } from '@lynx/schema';
import { readItems } from '@lynx/tutor';
import { GATE_CONFIG, type GateConfig } from '../config/gate-config';
import { InferenceListener } from '../canary/inference-listener';
import { BanditStatsStore } from './bandit-stats';

const BANDIT_ROLES = new Set(['bandit']);

/** Nest token of LYNX_GATE_BANDIT_TICK_MS. */
export const BANDIT_TICK_MS = 'LYNX_GATE_BANDIT_TICK_MS';

/** LYNX_GATE_BANDIT_TICK_MS: how often the service checks bandit plans (each plan's interval_s decides when it moves); validated at start. */
export function banditTickMs(env: NodeJS.ProcessEnv): number {
  const r = z.coerce.number().int().min(100).max(3_600_000).default(5000).safeParse(env.LYNX_GATE_BANDIT_TICK_MS);
  if (!r.success) throw new ConfigError(`LYNX_GATE_BANDIT_TICK_MS must be an integer from 100 to 3600000 (ms), got ${JSON.stringify(env.LYNX_GATE_BANDIT_TICK_MS)}`);
  return r.data;
}

export interface BanditOutcome {
  model: string;
  revision: number;
  changed: boolean;
  reason: string;
}

/**
 * Runs the bandit strategy: counts judged outcomes and errors of `bandit` arms from the router's
 * events, and for every model whose plan is `bandit`, once per the plan's `interval_s`, writes new
 * weights (`reallocateBandit`: guardrail, then Thompson sampling with the floor) back to the
 * registry with a compare-and-set on the plan revision it read, so an operator's change in
 * between wins. Each write is a plan revision with the weights, its reason (every arm's weight
 * and counts) in the plan history and the audit, and a lynx.registry.traffic.changed event.
 */
@Injectable()
export class BanditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener?: InferenceListener;
  private timer?: NodeJS.Timeout;
  private readonly stats: BanditStatsStore;
  private readonly last = new Map<string, number>();
  private running?: Promise<unknown>;

  constructor(
    @Inject(GateRegistryClient) private readonly registry: GateRegistryClient,
    @Inject(GATE_CONFIG) private readonly config: GateConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
    @Inject(BANDIT_TICK_MS) readonly tickMs: number,
  ) {
    this.stats = new BanditStatsStore(redis, names);
  }

  async onApplicationBootstrap(): Promise<void> {
    const judge = makeJudge(await readItems(this.config.evalSet));
    this.listener = new InferenceListener(this.nats, this.names, judge, this.logger, {
      durable: 'gate-bandit',
      context: 'Bandit',
      roles: BANDIT_ROLES,
      feedbackRoles: BANDIT_ROLES,
      // Counted once per event id: the bandit's counts decide reallocations.
      completed: (e, judged) => this.stats.recordRequest(e.event_id, e.model, e.digest, { error: e.status === 'error', judged }),
      feedback: (f) => this.stats.recordFeedback(f.event_id, f.model, f.digest, f.accepted),
    });
    await this.listener.start();
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((err) => this.logger.warn({ msg: 'bandit reallocation failed; retried next tick', err: (err as Error).message }, 'Bandit'))
        .finally(() => (this.running = undefined));
    }, this.tickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.listener?.stop();
  }

  get inference(): InferenceListener | undefined {
    return this.listener;
  }

  /** One pass over the models with bandit traffic whose interval has passed. */
  async tick(now = new Date()): Promise<BanditOutcome[]> {
    const out: BanditOutcome[] = [];
    for (const model of await this.stats.models()) {
      const state = await this.registry.traffic(model).catch(() => undefined);
      if (!state || state.plan.strategy !== 'bandit') continue;
      const plan = state.plan;
      const due = (this.last.get(model) ?? 0) + (plan.interval_s ?? 30) * 1000;
      if (now.getTime() < due) continue;
      out.push(await this.reallocate(model, plan, state.revision, now));
    }
    return out;
  }

  /** Reallocates one model's bandit plan from its counts now (also what a test drives directly). */
  async reallocate(model: string, plan: BanditPlan, revision: number, now = new Date()): Promise<BanditOutcome> {
    const stats: Record<string, BanditArmStats> = {};
    for (const arm of plan.arms) {
      const v = await this.registry.version(model, arm.ref);
      stats[arm.name ?? arm.ref] = await this.stats.get(model, v.digest);
    }
    const r = reallocateBandit(plan, stats, { random: Math.random, now });
    this.last.set(model, now.getTime());
    if (!r.changed) return { model, revision, changed: false, reason: r.reason };
    try {
      const written = await this.registry.putTraffic(model, r.plan, r.reason, revision);
      this.logger.log({ msg: 'bandit reallocated', model, revision: written.revision, dropped: r.dropped }, 'Bandit');
      return { model, revision: written.revision, changed: true, reason: r.reason };
    } catch (err) {
      // Someone changed the plan since it was read: theirs stands; the next tick reads it anew.
      if (err instanceof LynxError && err.status === 409) return { model, revision, changed: false, reason: `plan changed meanwhile: ${err.message}` };
      throw err;
    }
  }
}
