import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { InferenceEvent, ShadowSide } from '@lynx/schema';
import type { InferenceEvents } from '../events/inference-events.service';
import type { RouterMetrics } from '../metrics/router-metrics';
import type { Arm, CompiledPlan } from '../routing/compiled-plan';
import type { UpstreamPool } from '../upstreams/upstream-pool';
import { outputFromJson } from './openai-text';
import { answerError, completedEvent, errorOf, type Outcome, type RequestContext } from './request-context';
import { callArm } from './upstream-call';

/**
 * Sends a copy of a request to the plan's shadow after the primary has answered. Fire and forget:
 * nothing waits for it, a failure is only counted and recorded, and beyond `maxInFlight` copies
 * are skipped rather than queued, so a slow shadow can never build up load on the router.
 */
export class ShadowMirror {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly pool: UpstreamPool,
    private readonly events: InferenceEvents,
    private readonly metrics: RouterMetrics,
    private readonly maxInFlight: number,
  ) {}

  send(plan: CompiledPlan, ctx: RequestContext, primaryArm: Arm, primary: InferenceEvent): void {
    const shadow = plan.shadow!.arm;
    if (this.inFlight >= this.maxInFlight) {
      this.metrics.mirrored.inc({ model: ctx.model, result: 'skipped' });
      return;
    }
    this.inFlight++;
    setImmediate(() => {
      this.run(ctx, shadow, primaryArm, primary)
        .catch(() => this.metrics.mirrored.inc({ model: ctx.model, result: 'error' }))
        .finally(() => {
          if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    });
  }

  /** Resolves when no shadow request is in flight (tests, bench). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  private async run(ctx: RequestContext, shadow: Arm, primaryArm: Arm, primary: InferenceEvent): Promise<void> {
    // The shadow's answer is read whole: nobody streams it, and a whole answer carries usage.
    const { stream: _s, stream_options: _o, ...body } = ctx.body;
    const startedAt = performance.now();
    const r = await callArm(this.pool, shadow, ctx.endpoint, body, ctx.requestId, false);
    const upstreamMs = performance.now() - startedAt;
    let outcome: Outcome;
    if (!r.ok) {
      outcome = { output: '', upstreamMs, status: 'error', error: errorOf(r.error) };
    } else {
      let json: any;
      try {
        json = JSON.parse(r.body!.toString('utf8'));
      } catch {
        json = undefined;
      }
      outcome = r.status < 400 ? { output: outputFromJson(json), usage: json?.usage, upstreamMs, status: 'ok' } : { output: '', upstreamMs, status: 'error', error: answerError(r.status, json) };
    }
    const event = completedEvent({ ...ctx, startedAt }, shadow, 'shadow', outcome);
    this.metrics.mirrored.inc({ model: ctx.model, result: outcome.status });
    this.events.completed(event);
    this.events.shadowPair({
      event_id: randomUUID(),
      request_id: ctx.requestId,
      time: event.time,
      model: ctx.model,
      ...(ctx.userHash ? { user_hash: ctx.userHash } : {}),
      input: ctx.input,
      primary: side(primaryArm, primary),
      shadow: side(shadow, event),
    });
  }
}

function side(arm: Arm, e: InferenceEvent): ShadowSide {
  return { digest: arm.digest, arm: arm.name, output: e.output, usage: e.usage, latency_ms: e.upstream_latency_ms, status: e.status, ...(e.error ? { error: e.error } : {}) };
}
