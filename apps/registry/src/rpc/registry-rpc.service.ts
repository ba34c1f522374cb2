import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { LynxLogger, NatsRpc, NatsService } from '@lynx/platform';
import { LynxError, PATTERNS, ValidationError, modelNameSchema, type TrafficPlan } from '@lynx/schema';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';
import { TrafficService, planRefs } from '../traffic/traffic.service';

const planRequest = z.strictObject({ model: modelNameSchema });
const resolveRequest = z.strictObject({ model: modelNameSchema, ref: z.string().min(1).max(200) });

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ValidationError('invalid request', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return parsed.data;
}

/** A plan ref with the version it points at now; `error` when it no longer resolves. */
export interface ResolvedRef {
  ref: string;
  digest: string | null;
  semver: string | null;
  error?: { code: string; message: string };
}

/**
 * NATS request/reply for other services (namespace-aware through NatsRpc):
 * - PATTERNS.registryTrafficPlan `{model}` → the current plan (as GET /v1/traffic/{model}) plus
 *   `refs`: every ref it names resolved to a digest now (a plan with no ref serves `production`).
 * - PATTERNS.registryResolve `{model, ref}` → the version record (as GET …/versions/{ref}
 *   without evaluations, verdicts and serving). Errors travel with their code and status.
 */
@Injectable()
export class RegistryRpc implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = false;
  /** Resolves once both patterns are served (false: the app stopped before NATS came up). */
  subscribed: Promise<boolean> = Promise.resolve(false);

  constructor(
    @Inject(NatsRpc) private readonly rpc: NatsRpc,
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(TrafficService) private readonly traffic: TrafficService,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {}

  onApplicationBootstrap(): void {
    // NATS may be down at start: subscribe once it is up, without holding the app's start.
    this.subscribed = this.subscribe();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
  }

  private async subscribe(): Promise<boolean> {
    while (!(await this.nats.ready(5000).then(() => true, () => false))) {
      if (this.stopped) return false;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (this.stopped) return false;
    await this.rpc.handle(PATTERNS.registryTrafficPlan, (data) => this.trafficPlan(parse(planRequest, data).model));
    await this.rpc.handle(PATTERNS.registryResolve, (data) => {
      const { model, ref } = parse(resolveRequest, data);
      return this.store.resolve(model, ref);
    });
    this.logger.log({ msg: 'answering registry requests', patterns: [PATTERNS.registryTrafficPlan, PATTERNS.registryResolve] }, 'RegistryRpc');
    return true;
  }

  async trafficPlan(model: string) {
    const record = await this.traffic.get(model);
    const names = planRefs(record.plan as TrafficPlan);
    const refs: ResolvedRef[] = [];
    for (const ref of names.length ? names : ['production']) {
      try {
        const v = await this.store.resolve(model, ref);
        refs.push({ ref, digest: v.digest, semver: v.semver });
      } catch (err) {
        if (!(err instanceof LynxError)) throw err;
        refs.push({ ref, digest: null, semver: null, error: { code: err.code, message: err.message } });
      }
    }
    return { ...record, refs };
  }
}
