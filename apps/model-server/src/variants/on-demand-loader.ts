import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LynxLogger } from '@lynx/platform';
import { RegistryClient } from '@lynx/registry-client';
import { DIGEST_RE, LynxError, ModelNotFoundError, trafficPlanRefs, trafficPlanSchema } from '@lynx/schema';
import { MODEL_SERVER_CONFIG, type ModelServerConfig } from '../config/model-server-config';
import { pullFromRegistry } from './registry-pull';
import type { Variant } from './variant';
import { VariantsService } from './variants.service';

/**
 * Serving follows the registry, as KServe's storage initializer or vLLM's runtime LoRA loading:
 * a request whose `model` is a bundle digest the server has not loaded pulls that version from
 * the registry (verified, cached by digest under the data dir) and loads it — an adapter on its
 * base, which is loaded first the same way. The router sends Lynx's own model server the digest
 * as the model name, so no upstream file is needed for it.
 *
 * Every sweep (LYNX_MODEL_SERVER_SWEEP_MS) unloads the versions loaded this way that no traffic
 * plan names any more and that answered nothing for LYNX_MODEL_SERVER_IDLE_MS, adapters before
 * their base. Variants configured at start (LYNX_MODEL_SERVER_MODELS) or through
 * load_lora_adapter are the operator's and stay.
 */
@Injectable()
export class OnDemandLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pending = new Map<string, Promise<Variant>>();
  /** Digests loaded on demand, with when each last answered. */
  private readonly lastUsed = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<string[]>;
  private client?: RegistryClient;

  constructor(
    @Inject(MODEL_SERVER_CONFIG) private readonly config: ModelServerConfig,
    @Inject(VariantsService) private readonly variants: VariantsService,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.onDemand || this.config.sweepMs <= 0) return;
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), this.config.sweepMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.client?.close();
  }

  private get registry(): RegistryClient {
    this.client ??= new RegistryClient({ url: this.config.registryUrl, token: this.config.registryToken ?? null });
    return this.client;
  }

  /** The variant a request names, loading a registry digest on first use. */
  async variant(id: string): Promise<Variant> {
    const loaded = this.variants.find(id);
    if (loaded) {
      if (this.lastUsed.has(id)) this.lastUsed.set(id, Date.now());
      return loaded;
    }
    if (!this.config.onDemand || !DIGEST_RE.test(id)) return this.variants.get(id); // 404 model_not_found
    return this.ensure(id);
  }

  /** Loads a digest once, however many requests ask for it at the same time. */
  ensure(digest: string): Promise<Variant> {
    const loaded = this.variants.find(digest);
    if (loaded) return Promise.resolve(loaded);
    let p = this.pending.get(digest);
    if (!p) {
      p = this.load(digest).finally(() => this.pending.delete(digest));
      this.pending.set(digest, p);
    }
    return p;
  }

  private async load(digest: string): Promise<Variant> {
    const model = await this.modelOf(digest);
    const { dir } = await pullFromRegistry(model, digest, { registryUrl: this.config.registryUrl, token: this.config.registryToken, cacheDir: this.config.cacheDir });
    const parent = await parentDigest(dir);
    if (parent && !this.variants.list().some((v) => !v.parent && v.digest === parent)) await this.ensure(parent);
    const v = await this.variants.load({ id: digest, location: `${model}@${digest}`, confine: false });
    this.lastUsed.set(digest, Date.now());
    this.logger.log({ msg: 'model loaded on demand', model, digest, parent: v.parent ?? null }, 'OnDemand');
    return v;
  }

  /** The registry model that holds `digest` (a digest names one bundle; models rarely share one). */
  private async modelOf(digest: string): Promise<string> {
    const { models } = await this.registry.listModels();
    for (const m of models) {
      if (await this.registry.findVersion(m.name, digest)) return m.name;
    }
    throw new ModelNotFoundError(`The model \`${digest}\` does not exist: no registry model has a version with this digest.`, { model: digest, registry: this.config.registryUrl });
  }

  /** Every digest some traffic plan names now (the registry resolves each ref). */
  async plannedDigests(): Promise<Set<string>> {
    const out = new Set<string>();
    const { models } = await this.registry.listModels();
    for (const m of models) {
      const record = await this.registry.traffic(m.name);
      const plan = trafficPlanSchema.safeParse(record.plan);
      if (!plan.success) continue;
      for (const ref of trafficPlanRefs(plan.data)) {
        try {
          out.add(await this.registry.resolve(m.name, ref));
        } catch (err) {
          if (!(err instanceof LynxError) || err.status >= 500) throw err; // registry down: unload nothing
        }
      }
    }
    return out;
  }

  /** One sweep; returns the digests unloaded. Never runs twice at once. */
  sweep(now = Date.now()): Promise<string[]> {
    this.sweeping ??= this.sweepOnce(now).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(now: number): Promise<string[]> {
    if (this.lastUsed.size === 0) return [];
    const planned = await this.plannedDigests();
    const loaded = this.variants.list();
    const idle = (id: string) => now - (this.lastUsed.get(id) ?? now) >= this.config.idleMs;
    const unneeded = (v: Variant) => this.lastUsed.has(v.id) && !planned.has(v.digest) && idle(v.id);
    // A base stays while an adapter that stays sits on it; adapters go first, so their base can
    // go in the same sweep.
    const adapters = loaded.filter((v) => v.parent);
    const keptBases = new Set(adapters.filter((v) => !unneeded(v)).map((v) => v.parent!));
    const drop = [...adapters.filter(unneeded), ...loaded.filter((v) => !v.parent && unneeded(v) && !keptBases.has(v.id))];
    const gone: string[] = [];
    for (const v of drop) {
      try {
        this.variants.unload(v.id);
        this.lastUsed.delete(v.id);
        gone.push(v.id);
      } catch {
        // Still the base of an adapter someone loaded by hand: it stays.
      }
    }
    if (gone.length) this.logger.log({ msg: 'unloaded versions no traffic plan names', digests: gone }, 'OnDemand');
    return gone;
  }
}

async function parentDigest(dir: string): Promise<string | null> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { parent_digest?: unknown };
    return typeof config.parent_digest === 'string' ? config.parent_digest : null;
  } catch {
    return null; // VariantsService.load names what is wrong with the bundle
  }
}
