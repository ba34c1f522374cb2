import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type LabelValues, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@lynx/platform';

/** Why the router drops an inference event: buffer overflow, repeated publish failure, events off. */
const EVENT_DROP_REASONS = ['overflow', 'failed', 'disabled'] as const;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One arm's labelled series, looked up once: prom-client hashes the label object on every call. */
export interface ArmSeries {
  latency: ReturnType<Histogram<'model' | 'arm' | 'digest'>['labels']>;
  upstreamLatency: ReturnType<Histogram<'model' | 'arm' | 'digest'>['labels']>;
  requests: Map<string, ReturnType<Counter<string>['labels']>>;
}

/** The router's Prometheus series. Labels are bounded: models × the arms of their plans. */
@Injectable()
export class RouterMetrics {
  readonly requests: Counter<'model' | 'arm' | 'digest' | 'role' | 'status'>;
  readonly errors: Counter<'model' | 'arm' | 'digest' | 'code'>;
  readonly latency: Histogram<'model' | 'arm' | 'digest'>;
  readonly upstreamLatency: Histogram<'model' | 'arm' | 'digest'>;
  readonly mirrored: Counter<'model' | 'result'>;
  readonly fallback: Counter<'model' | 'from_arm' | 'to_arm' | 'reason'>;
  readonly eventsDropped: Counter<'reason'>;
  readonly eventsPublished: Counter;
  readonly eventsQueued: Gauge;
  readonly breakerOpen: Gauge<'upstream'>;
  readonly planRevision: Gauge<'model'>;
  readonly planLoadFailures: Counter<'model'>;
  readonly planInfo: Gauge<'model' | 'strategy' | 'status'>;
  readonly canaryWeight: Gauge<'model'>;
  readonly feedback: Counter<'model' | 'digest' | 'arm' | 'outcome'>;
  private readonly planLabels = new Map<string, { model: string; strategy: string; status: string }>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({ name: 'lynx_router_requests_total', help: 'Requests answered, by model, arm, digest, role and status (ok|error)', labelNames: ['model', 'arm', 'digest', 'role', 'status'], registers });
    this.errors = new Counter({ name: 'lynx_router_errors_total', help: 'Failed upstream calls and error answers, by model, arm, digest and code', labelNames: ['model', 'arm', 'digest', 'code'], registers });
    this.latency = new Histogram({ name: 'lynx_router_request_duration_seconds', help: 'Total request time seen by the router', labelNames: ['model', 'arm', 'digest'], buckets: LATENCY_BUCKETS, registers });
    this.upstreamLatency = new Histogram({ name: 'lynx_router_upstream_duration_seconds', help: 'Upstream time (request sent to last byte)', labelNames: ['model', 'arm', 'digest'], buckets: LATENCY_BUCKETS, registers });
    this.mirrored = new Counter({ name: 'lynx_router_mirrored_total', help: 'Shadow requests by result (ok|error|skipped)', labelNames: ['model', 'result'], registers });
    this.fallback = new Counter({ name: 'lynx_router_fallback_total', help: 'Requests of a non-stable arm served by the stable arm', labelNames: ['model', 'from_arm', 'to_arm', 'reason'], registers });
    this.eventsDropped = new Counter({ name: 'lynx_router_events_dropped_total', help: 'Inference events not published: buffer overflow or repeated publish failure', labelNames: ['reason'], registers });
    this.eventsPublished = new Counter({ name: 'lynx_router_events_published_total', help: 'Inference events acknowledged by JetStream', registers });
    this.eventsQueued = new Gauge({ name: 'lynx_router_events_queued', help: 'Events waiting in the buffer', registers });
    this.breakerOpen = new Gauge({ name: 'lynx_router_circuit_open', help: '1 while an upstream circuit is open or half-open', labelNames: ['upstream'], registers });
    this.planRevision = new Gauge({ name: 'lynx_router_plan_revision', help: 'Revision of the traffic plan in use', labelNames: ['model'], registers });
    this.planLoadFailures = new Counter({ name: 'lynx_router_plan_load_failures_total', help: 'Plan loads that failed (the previous plan stayed)', labelNames: ['model'], registers });
    this.planInfo = new Gauge({ name: 'lynx_router_plan_info', help: '1 for the strategy (and canary status) of the plan in use, by model', labelNames: ['model', 'strategy', 'status'], registers });
    this.canaryWeight = new Gauge({ name: 'lynx_router_canary_weight', help: 'Share of traffic (0-100) the canary arm gets, by model; 0 without a canary plan', labelNames: ['model'], registers });
    this.feedback = new Counter({ name: 'lynx_router_feedback_total', help: 'Learner feedback on answers, by model, digest, arm and outcome (accepted|rejected)', labelNames: ['model', 'digest', 'arm', 'outcome'], registers });
    // Known reasons start at 0, so a dashboard and an alert see the series before the first drop.
    for (const reason of EVENT_DROP_REASONS) this.eventsDropped.inc({ reason }, 0);
  }

  /** The plan in use for a model: one planInfo series (the old one removed), and the canary weight. */
  planApplied(model: string, plan: { strategy: string; status?: string; weight?: number }): void {
    const before = this.planLabels.get(model);
    if (before) this.planInfo.remove(before);
    const labels = { model, strategy: plan.strategy, status: plan.strategy === 'canary' ? (plan.status ?? 'progressing') : 'none' };
    this.planInfo.set(labels, 1);
    this.planLabels.set(model, labels);
    this.canaryWeight.set({ model }, plan.strategy === 'canary' ? (plan.weight ?? 0) : 0);
  }

  // Keyed by model, arm and digest: bounded like the labels themselves (models × arms of their plans).
  private readonly series = new Map<string, ArmSeries>();

  /** Counts one answered request and its latencies (seconds) for one arm. */
  answered(labels: LabelValues<'model' | 'arm' | 'digest'>, role: string, status: string, seconds: number, upstreamSeconds: number): void {
    const key = `${labels.model}\0${labels.arm}\0${labels.digest}`;
    let s = this.series.get(key);
    if (!s) {
      s = { latency: this.latency.labels(labels), upstreamLatency: this.upstreamLatency.labels(labels), requests: new Map() };
      this.series.set(key, s);
    }
    const rk = `${role}\0${status}`;
    let requests = s.requests.get(rk);
    if (!requests) {
      requests = this.requests.labels({ ...labels, role, status });
      s.requests.set(rk, requests);
    }
    requests.inc();
    s.latency.observe(seconds);
    s.upstreamLatency.observe(upstreamSeconds);
  }
}
