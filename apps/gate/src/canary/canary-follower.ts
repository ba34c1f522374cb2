import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConsumerMessages, JsMsg } from 'nats';
import { GateRegistryClient } from '@lynx/gate';
import { KeyedSerial, LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import { LynxError, SUBJECTS, registryEventSchema, type TrafficPlan } from '@lynx/schema';
import { GATE_CONFIG, type GateConfig } from '../config/gate-config';
import { isActiveCanary, notActiveBecause } from './canary-plan';
import { CanaryService } from './canary.service';

/** What one traffic change did to the model's analysis (emitted as `followed`). */
export interface Followed {
  model: string;
  action: 'started' | 'replaced' | 'kept' | 'stopped' | 'none';
  reason: string;
  revision: number | null;
}

const DURABLE = 'gate-canary-plans';
const RETRY_MS = 1000;
const short = (digest?: string) => (digest ?? 'unknown').slice(0, 19);

/**
 * Starts and stops canary analysis with the rollout, as Argo Rollouts does: a durable,
 * explicit-ack consumer of lynx.registry.traffic.changed reads the model's current plan and
 * brings the analysis in line with it. A canary plan with no analysis of its canary digest starts
 * one (the same path as POST /v1/gate/canaries/:model, default settings); a canary of another
 * digest replaces it; any other plan stops it, with the reason recorded. It compares states, not
 * events, so a redelivered event, a replay or the gate's own weight steps change nothing. The
 * consumer starts at the stream's beginning when first created, so a gate deployed after a canary
 * began still picks it up. Changes of one model are handled one at a time. Emits `followed`.
 */
@Injectable()
export class CanaryFollower extends EventEmitter implements OnApplicationBootstrap, OnApplicationShutdown {
  private messages?: ConsumerMessages;
  private readonly serial = new KeyedSerial();

  constructor(
    @Inject(CanaryService) private readonly canary: CanaryService,
    @Inject(GateRegistryClient) private readonly registry: GateRegistryClient,
    @Inject(GATE_CONFIG) private readonly config: GateConfig,
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.autoCanary) return;
    const subject = this.names.subject(SUBJECTS.registryTrafficChanged);
    const consumer = await this.nats.durableConsumer(this.names.stream('registry').name, DURABLE, { filterSubject: subject });
    this.messages = await consumer.consume({ callback: (m) => void this.handle(m) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.serial.idle();
  }

  private async handle(m: JsMsg): Promise<void> {
    let model: string;
    let eventReason: string | undefined;
    try {
      ({ model, reason: eventReason } = registryEventSchema.parse(m.json()));
    } catch {
      // Not JSON, or not a registry event: it never becomes one, so ack it rather than loop on it.
      this.logger.warn({ msg: 'canary follower: not a registry event, skipped', subject: m.subject, seq: m.seq }, 'Canary');
      m.ack();
      return;
    }
    try {
      const followed = await this.serial.run(model, () => this.follow(model, eventReason));
      m.ack();
      this.emit('followed', followed);
    } catch (err) {
      // The registry refused (e.g. the canary ref no longer resolves): retrying cannot help, and
      // the next change of the plan brings its own event. Anything else (registry or Redis down) retries.
      const refused = err instanceof LynxError && err.status < 500;
      this.logger.warn({ msg: `canary follower: plan change not applied${refused ? '' : ', will be redelivered'}`, model, err: (err as Error).message }, 'Canary');
      if (refused) m.ack();
      else m.nak(RETRY_MS);
    }
  }

  /** Brings the model's analysis in line with its current traffic plan. */
  async follow(model: string, eventReason?: string): Promise<Followed> {
    const current = await this.plan(model);
    const running = await this.canary.status(model);
    const revision = current?.revision ?? null;
    const plan = current?.plan;
    if (!plan || !isActiveCanary(plan)) {
      // A rollback ends the plan in the registry; the analysis records "rollback" as its stop reason.
      const why = eventReason?.startsWith('rollback') ? `rollback: ${notActiveBecause(plan)}` : notActiveBecause(plan);
      const reason = `${why} (plan revision ${revision ?? 'none'})`;
      if (!running.active) return this.done({ model, action: 'none', reason, revision });
      await this.canary.stop(model, reason);
      return this.done({ model, action: 'stopped', reason, revision });
    }
    const { digest } = await this.registry.version(model, plan.canary);
    if (running.active && running.canary_digest === digest) {
      return this.done({ model, action: 'kept', reason: `canary ${short(digest)} already under analysis (plan revision ${revision}, weight ${plan.weight})`, revision });
    }
    const replaced = running.active;
    const reason = replaced
      ? `canary changed from ${short(running.canary_digest)} to ${short(digest)} (plan revision ${revision})`
      : `canary plan for ${short(digest)} set (plan revision ${revision})`;
    await this.canary.start({ model }, reason);
    return this.done({ model, action: replaced ? 'replaced' : 'started', reason, revision });
  }

  private async plan(model: string): Promise<{ plan: TrafficPlan; revision: number } | undefined> {
    try {
      return await this.registry.traffic(model);
    } catch (err) {
      if (err instanceof LynxError && err.status === 404) return undefined; // model deleted or unknown
      throw err;
    }
  }

  private done(f: Followed): Followed {
    // Starts and stops are logged at info by CanaryService itself.
    if (f.action === 'kept' || f.action === 'none') this.logger.debug({ msg: 'canary follower: analysis unchanged', ...f }, 'Canary');
    return f;
  }
}
