import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Transform, pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, HEADERS, LynxError, ModelNotFoundError, ValidationError } from '@lynx/schema';
import { ROUTER_CONFIG, type RouterConfig } from '../config/router-config';
import { InferenceEvents } from '../events/inference-events.service';
import { RecentRequests } from '../feedback/recent-requests';
import { RouterMetrics } from '../metrics/router-metrics';
import { PlanService } from '../plans/plan.service';
import type { Arm, CompiledPlan } from '../routing/compiled-plan';
import { selectArm } from '../routing/select-arm';
import { hashUser } from '../routing/stable-hash';
import { UpstreamPool } from '../upstreams/upstream-pool';
import { inputText, outputFromJson, summarizeSse, type Endpoint } from './openai-text';
import { answerError, completedEvent, errorOf, lynxHeaders, type Outcome, type RequestContext } from './request-context';
import { ShadowMirror } from './shadow-mirror';
import { callArm, type CallOk } from './upstream-call';

/** Bytes of a streamed answer kept for the event; the stream itself passes through whole. */
const MAX_CAPTURE = 256 * 1024;

/**
 * The OpenAI-compatible proxy: picks the arm by the model's traffic plan, forwards the request
 * (streamed answers are piped chunk by chunk), falls back to the stable arm when another arm's
 * upstream fails, and records one event per upstream answer.
 */
@Injectable()
export class ProxyService implements OnApplicationShutdown {
  readonly pool: UpstreamPool;
  private readonly mirror: ShadowMirror;

  constructor(
    @Inject(PlanService) private readonly plans: PlanService,
    @Inject(InferenceEvents) private readonly events: InferenceEvents,
    @Inject(RouterMetrics) private readonly metrics: RouterMetrics,
    @Inject(RecentRequests) private readonly recent: RecentRequests,
    @Inject(ROUTER_CONFIG) config: RouterConfig,
  ) {
    this.pool = new UpstreamPool({
      failures: config.breakerFailures,
      cooldownMs: config.breakerCooldownMs,
      onChange: (upstream, state) => metrics.breakerOpen.set({ upstream }, state === 'closed' ? 0 : 1),
    });
    this.mirror = new ShadowMirror(this.pool, events, metrics, config.shadowMaxInFlight);
  }

  /** Resolves when every shadow request sent so far has finished. */
  shadowsIdle(): Promise<void> {
    return this.mirror.idle();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  /** `requestId`: the caller's (requestIdFrom); its error answers carry it as the caller sets it. */
  async handle(endpoint: Endpoint, body: unknown, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const startedAt = performance.now();
    const payload = checkBody(endpoint, body);
    const model = payload.model as string;
    const plan = this.plans.get(model);
    if (!plan) {
      if (!this.plans.ready) throw new LynxError(ERROR_CODES.notReady, 'the router has not loaded any traffic plan from the registry yet', 503);
      const why = this.plans.whyUnservable(model);
      if (why) throw new LynxError(ERROR_CODES.notReady, `model ${JSON.stringify(model)} has no version to serve yet: ${why}`, 503, { model });
      throw new ModelNotFoundError(`model ${JSON.stringify(model)} is not served here; GET /v1/models lists the models`, { model });
    }
    const user = typeof payload.user === 'string' && payload.user ? payload.user : headerValue(req.headers[HEADERS.user]);
    const ctx: RequestContext = { endpoint, model, requestId, userHash: user ? hashUser(user) : undefined, input: inputText(endpoint, payload), startedAt, body: payload };
    const selection = selectArm(plan, { userHash: ctx.userHash, armHeader: headerValue(req.headers[HEADERS.arm]), random: Math.random });
    const stream = payload.stream === true;

    let result = await callArm(this.pool, selection.arm, endpoint, payload, requestId, stream);
    if (!result.ok && selection.arm !== plan.stable) {
      this.failed(ctx, result.arm, result.error, performance.now() - result.sentAt);
      this.metrics.fallback.inc({ model, from_arm: result.arm.name, to_arm: plan.stable.name, reason: result.error.code });
      result = await callArm(this.pool, plan.stable, endpoint, payload, requestId, stream);
    }
    if (!result.ok) {
      this.failed(ctx, result.arm, result.error, performance.now() - result.sentAt);
      setHeaders(res, lynxHeaders(requestId, result.arm));
      throw result.error;
    }
    if (result.stream) this.pipe(ctx, result, res, selection.mirror ? plan : undefined);
    else this.sendWhole(ctx, result, res, selection.mirror ? plan : undefined);
  }

  private sendWhole(ctx: RequestContext, r: CallOk, res: ServerResponse, mirrorPlan?: CompiledPlan): void {
    const upstreamMs = performance.now() - r.sentAt;
    // A flat list and no setHeader before: Node's fast path, no per-request header map.
    res.writeHead(r.status, [...lynxHeaders(ctx.requestId, r.arm), 'content-type', r.contentType]).end(r.body);
    let json: any;
    try {
      json = JSON.parse(r.body!.toString('utf8'));
    } catch {
      json = undefined;
    }
    const outcome: Outcome =
      r.status < 400
        ? { output: outputFromJson(json), usage: json?.usage, upstreamMs, status: 'ok' }
        : { output: '', upstreamMs, status: 'error', error: answerError(r.status, json) };
    this.finish(ctx, r.arm, outcome, mirrorPlan);
  }

  /** Streams the upstream's SSE to the client as it arrives, keeping a copy for the event. */
  private pipe(ctx: RequestContext, r: CallOk, res: ServerResponse, mirrorPlan?: CompiledPlan): void {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        if (keptBytes < MAX_CAPTURE) {
          kept.push(chunk);
          keptBytes += chunk.length;
        }
        done(null, chunk);
      },
    });
    res.writeHead(r.status, [...lynxHeaders(ctx.requestId, r.arm), 'content-type', r.contentType, 'cache-control', 'no-cache', 'x-accel-buffering', 'no']);
    tap.pipe(res);
    // A client that goes away ends the upstream stream too (as Fastify's send(stream) did). That is
    // the client's doing, not the upstream's: it never counts against the upstream's breaker.
    let clientGone = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      clientGone = true;
      tap.destroy();
    });
    pipeline(r.stream!, tap, (err) => {
      const summary = summarizeSse(Buffer.concat(kept).toString('utf8'));
      const upstreamMs = performance.now() - r.sentAt;
      if (err && clientGone) {
        const error = { code: ERROR_CODES.clientClosed, message: 'the client closed the connection before the stream ended' };
        this.finish(ctx, r.arm, { output: summary.output, usage: summary.usage, upstreamMs, status: 'error', error });
        return;
      }
      if (err) {
        this.pool.breaker(r.arm.upstream).failure();
        const error = { code: ERROR_CODES.upstreamUnavailable, message: `stream ended early: ${err.message}` };
        this.finish(ctx, r.arm, { output: summary.output, usage: summary.usage, upstreamMs, status: 'error', error });
        return;
      }
      this.finish(ctx, r.arm, { output: summary.output, usage: summary.usage, upstreamMs, status: 'ok' }, mirrorPlan);
    });
  }

  private finish(ctx: RequestContext, arm: Arm, o: Outcome, mirrorPlan?: CompiledPlan): void {
    const labels = { model: ctx.model, arm: arm.name, digest: arm.digest };
    const event = completedEvent(ctx, arm, arm.role, o);
    this.metrics.answered(labels, arm.role, o.status, event.latency_ms / 1000, event.upstream_latency_ms / 1000);
    if (o.error) this.metrics.errors.inc({ ...labels, code: o.error.code });
    this.events.completed(event);
    if (o.status === 'ok') this.recent.remember(ctx.requestId, { model: ctx.model, digest: arm.digest, arm: arm.name, role: arm.role });
    // After the answer went out: the shadow never delays the user.
    if (mirrorPlan?.shadow && o.status === 'ok') this.mirror.send(mirrorPlan, ctx, arm, event);
  }

  private failed(ctx: RequestContext, arm: Arm, error: LynxError, upstreamMs: number): void {
    this.finish(ctx, arm, { output: '', upstreamMs, status: 'error', error: errorOf(error) });
  }
}

function setHeaders(res: ServerResponse, headers: string[]): void {
  for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
}

function headerValue(h: string | string[] | undefined): string | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  return v ? v : undefined;
}

/** Only what the router itself needs; the upstream validates the rest as it always does. */
function checkBody(endpoint: Endpoint, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('the request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model) throw new ValidationError('model is required: the logical model, e.g. grammar-tutor', { issues: [{ path: 'model', code: 'invalid_type', message: 'required' }] });
  if (endpoint === 'chat' && !Array.isArray(b.messages)) throw new ValidationError('messages must be an array', { issues: [{ path: 'messages', code: 'invalid_type', message: 'expected an array' }] });
  if (endpoint === 'completions' && b.prompt === undefined) throw new ValidationError('prompt is required', { issues: [{ path: 'prompt', code: 'invalid_type', message: 'required' }] });
  return b;
}
