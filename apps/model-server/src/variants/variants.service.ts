import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { bundleDigest } from '@lynx/bundle';
import { LynxLogger } from '@lynx/platform';
import {
  AdapterBaseNotLoadedError,
  ConflictError,
  DigestMismatchError,
  LynxError,
  ModelAlreadyLoadedError,
  ModelNotFoundError,
  ValidationError,
} from '@lynx/schema';
import { loadModel } from '@lynx/tutor';
import { MODEL_SERVER_CONFIG, type ModelServerConfig } from '../config/model-server-config';
import { VllmMetrics } from '../vllm-metrics/vllm-metrics';
import { parseBundleSource, type BundleSource } from './bundle-source';
import { pullFromRegistry } from './registry-pull';
import type { Variant } from './variant';

export interface LoadRequest {
  id: string;
  /** A lora_path or LYNX_MODEL_SERVER_MODELS location (see parseBundleSource). */
  location: string;
  /** Expected bundle digest, besides any `@sha256:` on the location; they must agree. */
  digest?: string;
  /** For adapters: the base variant id; otherwise found by the adapter's parent_digest. */
  parent?: string;
  /** Confine local directories to the adapter root (API requests), or not (operator's start config). */
  confine: boolean;
}

/** The variants this server answers for, by id. */
@Injectable()
export class VariantsService implements OnModuleInit {
  private readonly variants = new Map<string, Variant>();
  /** Ids being loaded, so two concurrent loads of one name cannot both win. */
  private readonly loading = new Set<string>();

  constructor(
    @Inject(MODEL_SERVER_CONFIG) private readonly config: ModelServerConfig,
    @Inject(VllmMetrics) private readonly metrics: VllmMetrics,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {}

  /** Loads LYNX_MODEL_SERVER_MODELS in order; a failure stops the start, as bad config should. */
  async onModuleInit(): Promise<void> {
    for (const spec of this.config.models) {
      const v = await this.load({ id: spec.name, location: spec.location, parent: spec.parent, confine: false });
      this.logger.log({ msg: 'model loaded', model: v.id, digest: v.digest, parent: v.parent ?? null, source: v.source }, 'Variants');
    }
  }

  list(): Variant[] {
    return [...this.variants.values()];
  }

  /** The variant of that id, if loaded. */
  find(id: string): Variant | undefined {
    return this.variants.get(id);
  }

  /** The variant for a request's `model`; 404 model_not_found otherwise. */
  get(id: string): Variant {
    const v = this.variants.get(id);
    if (!v) throw new ModelNotFoundError(`The model \`${id}\` does not exist.`, { model: id, available: [...this.variants.keys()] });
    return v;
  }

  async load(req: LoadRequest): Promise<Variant> {
    if (this.variants.has(req.id) || this.loading.has(req.id)) {
      throw new ModelAlreadyLoadedError(`a model named "${req.id}" is already loaded`, { model: req.id });
    }
    this.loading.add(req.id);
    let pulledDir: string | undefined;
    try {
      const source = await parseBundleSource(req.location, { baseDir: req.confine ? this.config.adapterRoot : process.cwd(), confine: req.confine });
      const { dir, digest, fresh } = await this.fetch(source, req.digest, req.location);
      if (fresh) pulledDir = dir;
      const parentDigest = await readParentDigest(dir, req.location);
      const base = parentDigest ? this.baseFor(req, parentDigest) : undefined;
      if (!parentDigest && req.parent) {
        throw new ValidationError(`"${req.location}" is a full model, not an adapter: it takes no base ("${req.parent}")`);
      }
      const model = await loadModel(dir, base?.dir).catch((err: Error) => {
        throw err instanceof LynxError ? err : new ValidationError(`"${req.location}" is not a loadable tutor bundle: ${err.message}`);
      });
      const variant: Variant = { id: req.id, digest, source: req.location, dir, parent: base?.id, created: Math.floor(Date.now() / 1000), model };
      this.variants.set(req.id, variant);
      this.metrics.register(req.id);
      pulledDir = undefined;
      return variant;
    } catch (err) {
      // A bundle this load pulled and then refused leaves the cache with the refusal (unless a
      // loaded model uses the same folder).
      if (pulledDir && !this.list().some((v) => v.dir === pulledDir)) await rm(pulledDir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    } finally {
      this.loading.delete(req.id);
    }
  }

  /** Unloads a variant; a base with adapters on it stays until they are gone. */
  unload(id: string): Variant {
    const v = this.get(id);
    const children = this.list().filter((c) => c.parent === id).map((c) => c.id);
    if (children.length) throw new ConflictError(`"${id}" is the base of loaded adapters: ${children.join(', ')}; unload them first`, { adapters: children });
    this.variants.delete(id);
    this.metrics.unregister(id);
    return v;
  }

  /** The bundle directory and its verified digest. */
  private async fetch(source: BundleSource, expected: string | undefined, shown: string): Promise<{ dir: string; digest: string; fresh?: boolean }> {
    if (source.kind === 'registry') {
      const pulled = await pullFromRegistry(source.model, source.ref, {
        registryUrl: this.config.registryUrl,
        token: this.config.registryToken,
        cacheDir: this.config.cacheDir,
      });
      if (expected && expected !== pulled.digest) {
        if (pulled.fresh) await rm(pulled.dir, { recursive: true, force: true }).catch(() => undefined);
        throw new DigestMismatchError(`${source.model}@${source.ref} is ${pulled.digest}, not the expected ${expected}`, { expected, actual: pulled.digest });
      }
      return pulled;
    }
    if (expected && source.digest && expected !== source.digest) {
      throw new ValidationError(`two different digests given: ${source.digest} in lora_path and ${expected} in digest`);
    }
    const want = expected ?? source.digest;
    const digest = await bundleDigest(source.dir);
    if (want && digest !== want) {
      throw new DigestMismatchError(`bundle ${shown} has digest ${digest}, expected ${want}`, { expected: want, actual: digest });
    }
    return { dir: source.dir, digest };
  }

  private baseFor(req: LoadRequest, parentDigest: string): Variant {
    const candidates = req.parent ? [this.variants.get(req.parent)].filter((v): v is Variant => !!v) : this.list();
    const base = candidates.find((v) => !v.parent && v.digest === parentDigest);
    if (!base) {
      const named = req.parent ? ` "${req.parent}"` : '';
      throw new AdapterBaseNotLoadedError(`adapter "${req.id}" applies to base ${parentDigest}, but no loaded base model${named} has that digest`, {
        parent_digest: parentDigest,
        loaded: this.list().filter((v) => !v.parent).map((v) => ({ id: v.id, digest: v.digest })),
      });
    }
    return base;
  }
}

/** parent_digest from an adapter's config.json (null/absent for a full model). */
async function readParentDigest(dir: string, shown: string): Promise<string | null> {
  let config: unknown;
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  } catch (err) {
    throw new ValidationError(`${shown} is not a tutor bundle: config.json is missing or not JSON`, { reason: (err as Error).message.replace(dir, shown) });
  }
  const parent = (config as { parent_digest?: unknown } | null)?.parent_digest;
  return typeof parent === 'string' ? parent : null;
}
