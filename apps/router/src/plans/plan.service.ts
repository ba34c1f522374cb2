import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LYNX_CONFIG, LynxLogger, LynxNames, NatsService, ReadinessRegistry, UpstreamAllowlist, servingCheck, type LynxConfig, type UpstreamRules } from '@lynx/platform';
import { RegistryClient, type PutTrafficBody, type TrafficRecord } from '@lynx/registry-client';
import { ERROR_CODES, LynxError, parseReference, trafficPlanSchema } from '@lynx/schema';
import { ROUTER_CONFIG, type RouterConfig } from '../config/router-config';
import { RouterMetrics } from '../metrics/router-metrics';
import type { CompiledPlan } from '../routing/compiled-plan';
import { UpstreamsWatcher } from '../upstreams/upstreams-watcher';
import { compilePlan, type PlanInput } from './compile-plan';
import { PlanWatcher } from './plan-watcher';

/** How often a router that has not read its plans yet asks the registry again. */
const FIRST_SYNC_RETRY_MS = 1000;

/**
 * The traffic plans the router runs, one per logical model, compiled (refs → digests → upstreams)
 * when loaded. A new plan replaces the old one in a single assignment, so each request sees one
 * whole plan. When the registry is down or a stored plan cannot be served, the last good plan stays.
 */
@Injectable()
export class PlanService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registry: RegistryClient;
  private readonly plans = new Map<string, CompiledPlan>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly upstreams: UpstreamsWatcher;
  private readonly watcher: PlanWatcher;
  /** The registry has answered at least once: plans are known, even if some model has none to serve. */
  private synced = false;
  /** Why a model the registry knows has no plan to serve (e.g. no production version yet). */
  private readonly unservable = new Map<string, string>();
  private firstLoad?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private syncTimer?: NodeJS.Timeout;
  private listeners: Array<(plan: CompiledPlan) => void> = [];

  constructor(
    @Inject(LYNX_CONFIG) private readonly platform: LynxConfig,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
    @Inject(RouterMetrics) private readonly metrics: RouterMetrics,
    @Inject(NatsService) nats: NatsService,
    @Inject(LynxNames) names: LynxNames,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    // A pool of its own and a short wait: plans load on the request path's behalf.
    this.registry = new RegistryClient({ url: platform.registryUrl, token: config.registryToken ?? null, timeoutMs: 3000, connections: 8 });
    this.upstreams = new UpstreamsWatcher(
      config.upstreamsFile,
      config.upstreamsFileRequired,
      config.upstreamsPollMs,
      () => {
        this.logger.log({ msg: 'upstreams file changed; recompiling every plan', file: config.upstreamsFile }, 'PlanService');
        void this.refreshAll();
      },
      (err) => this.logger.warn({ msg: 'upstreams file not reloaded; keeping the last good rules', file: config.upstreamsFile, err: err.message }, 'PlanService'),
    );
    this.watcher = new PlanWatcher(nats, names, logger, (model, type) => this.onRegistryEvent(model, type), () => void this.refreshAll());
    // Ready = the plans were read from the registry once (NATS is the platform's own check). A model
    // without a servable plan (no production version yet) answers 503 itself; it does not make the
    // whole router unready, or a fresh stack could never pass its healthcheck.
    readiness.register('traffic-plans', async () => {
      if (!this.synced) throw new Error(`traffic plans not read yet from the registry at ${platform.registryUrl}`);
    });
  }

  onApplicationBootstrap(): void {
    this.watcher.start();
    void this.upstreams.start();
    this.firstLoad = this.refreshAll();
    this.timer = setInterval(() => void this.refreshAll(), this.config.refreshMs);
    this.timer.unref();
    // Until the registry has answered once the router is not ready: ask every second, not every
    // refresh (15 s), so a stack started all at once is ready soon after its registry.
    // One attempt at a time: a registry that accepts but does not answer holds each for 3 s.
    let attempt: Promise<void> | undefined;
    this.syncTimer = setInterval(() => {
      if (this.synced) clearInterval(this.syncTimer);
      else attempt ??= this.refreshAll().finally(() => (attempt = undefined));
    }, FIRST_SYNC_RETRY_MS);
    this.syncTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearInterval(this.syncTimer);
    this.watcher.stop();
    void this.upstreams.stop();
    void this.registry.close();
  }

  /** Resolves after the first attempt to load every plan (tests, bench). */
  async started(): Promise<void> {
    await this.firstLoad;
  }

  get(model: string): CompiledPlan | undefined {
    return this.plans.get(model);
  }

  get ready(): boolean {
    return this.synced;
  }

  /** Why a known model has no plan to serve right now, or undefined. */
  whyUnservable(model: string): string | undefined {
    return this.unservable.get(model);
  }

  models(): string[] {
    return [...this.plans.keys()].sort();
  }

  /** Called with every newly applied plan (tests await a change through this). */
  onApplied(listener: (plan: CompiledPlan) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /** Validates a plan as the router would run it, stores it in the registry, and applies it. */
  async put(model: string, body: PutTrafficBody, authorization?: string): Promise<CompiledPlan> {
    const current = this.plans.get(model);
    await this.compile({ model, revision: current?.revision ?? 0, plan: body.plan });
    // The caller's Authorization, so the registry checks and audits the real operator.
    const record = await (authorization ? this.registry.as(authorization) : this.registry).putTraffic(model, body);
    // Compile again from the stored record: an alias may have moved in between.
    const compiled = await this.compile(recordInput(record));
    this.apply(compiled);
    return compiled;
  }

  /** Re-reads one model's plan from the registry; concurrent calls coalesce into one more load. */
  reload(model: string): Promise<void> {
    const running = this.loading.get(model);
    if (running) {
      this.dirty.add(model);
      return running;
    }
    const p = this.load(model).finally(() => {
      this.loading.delete(model);
      if (this.dirty.delete(model)) void this.reload(model);
    });
    this.loading.set(model, p);
    return p;
  }

  private async load(model: string): Promise<void> {
    try {
      const record = await this.registry.traffic(model);
      const compiled = await this.compile(recordInput(record));
      const current = this.plans.get(model);
      if (current && current.revision > compiled.revision) return; // an older answer raced a newer one
      this.apply(compiled);
    } catch (err) {
      this.metrics.planLoadFailures.inc({ model });
      // The registry answered (unknown model, nothing in production yet, a ref that does not
      // resolve): a known state. Unreachable (UpstreamUnavailableError, 502) is not.
      if (err instanceof LynxError && err.status < 500) {
        this.synced = true;
        // 404: the registry does not know the model, and neither does the router (users get 404).
        if (err.status !== 404 && !this.plans.has(model)) this.unservable.set(model, err.message);
      }
      const kept = this.plans.get(model);
      const entry = { msg: 'traffic plan not loaded; keeping the last one', model, kept_revision: kept?.revision ?? null, err: (err as Error).message };
      // A model the registry does not know and the router never served is no incident: every
      // registry event for it would otherwise log a warning.
      if (err instanceof LynxError && err.status === 404 && !kept) this.logger.debug(entry, 'PlanService');
      else this.logger.warn(entry, 'PlanService');
    }
  }

  private async refreshAll(): Promise<void> {
    let models = this.config.models;
    if (models.length === 0) {
      try {
        models = (await this.registry.listModels()).models.map((m) => m.name);
        if (models.length === 0) this.synced = true; // an empty registry is a known state
      } catch (err) {
        this.logger.warn({ msg: 'registry unreachable; serving the last known plans', err: (err as Error).message }, 'PlanService');
        models = this.models();
      }
    }
    await Promise.all(models.map((m) => this.reload(m)));
  }

  private onRegistryEvent(model: string, type: string): void {
    if (this.config.models.length && !this.config.models.includes(model)) return;
    // A registered version only matters for a model not served yet; moves and plan changes always do.
    if (type === 'version.registered' && this.plans.has(model)) return;
    if (type === 'verdict.recorded') return;
    void this.reload(model);
  }

  /** The one set of upstream rules the registry applies too, with the upstreams file as last read. */
  private upstreamRules(): UpstreamRules {
    const file = this.upstreams.file;
    return {
      file,
      allowed: UpstreamAllowlist.from(this.config.env, file),
      defaultTimeoutMs: this.config.upstreamTimeoutMs,
      env: this.config.env,
      defaultBaseUrl: this.config.defaultUpstream,
    };
  }

  private compile(input: PlanInput): Promise<CompiledPlan> {
    return compilePlan(input, {
      // An alias (the common case: production, canary) by its lean route: the version row alone.
      resolve: (ref) => (parseReference(ref)?.kind === 'alias' ? this.registry.aliasVersion(input.model, ref) : this.registry.version(input.model, ref)),
      check: (v) => servingCheck(input.model, v, this.upstreamRules(), this.platform.env === 'prod'),
    });
  }

  private apply(plan: CompiledPlan): void {
    this.plans.set(plan.model, plan);
    this.unservable.delete(plan.model);
    this.synced = true;
    this.metrics.planRevision.set({ model: plan.model }, plan.revision);
    this.metrics.planApplied(plan.model, plan.plan as { strategy: string; status?: string; weight?: number });
    this.logger.log({ msg: 'traffic plan applied', model: plan.model, revision: plan.revision, strategy: plan.plan.strategy, arms: plan.arms.map((a) => `${a.name}=${a.digest.slice(7, 19)}`) }, 'PlanService');
    for (const l of this.listeners) l(plan);
  }
}

function recordInput(record: TrafficRecord): PlanInput {
  const parsed = trafficPlanSchema.safeParse(record.plan);
  if (!parsed.success) throw new LynxError(ERROR_CODES.validationFailed, `stored plan of ${record.model} is not a valid traffic plan`, 400);
  return { model: record.model, revision: record.revision, plan: parsed.data };
}
