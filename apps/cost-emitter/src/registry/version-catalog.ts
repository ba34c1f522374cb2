import type { RegistryVersion } from './registry-client';

/** Where version facts come from: the registry client in the app. */
export interface VersionSource {
  version(model: string, digest: string): Promise<RegistryVersion | undefined>;
}

interface Entry {
  version?: RegistryVersion;
  fetchedAt: number;
  ok: boolean;
}

export interface VersionCatalogOptions {
  /** How long a version's facts (tags, semver, accuracy) are trusted; default 5 minutes. */
  ttlMs?: number;
  /** How long a failed or missing look-up is remembered before asking again; default 30 s. */
  missTtlMs?: number;
  now?: () => number;
}

/**
 * Cache of what the registry says about served versions: price tags, variant, semver and latest
 * eval accuracy. Pricing awaits a look-up only for versions not seen yet (or stale); registry
 * events (lynx.registry.*) drop a model's entries so a new evaluation shows within seconds.
 * When the registry is unreachable, pricing goes on with the price book alone.
 */
export class VersionCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private readonly missTtlMs: number;
  private readonly now: () => number;

  constructor(private readonly source: VersionSource, opts: VersionCatalogOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.missTtlMs = opts.missTtlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Facts known now, without waiting. */
  get(model: string, digest: string): RegistryVersion | undefined {
    return this.entries.get(`${model}|${digest}`)?.version;
  }

  accuracy(model: string, digest: string): number | undefined {
    return this.get(model, digest)?.accuracy ?? undefined;
  }

  /** Makes sure each (model, digest) has fresh facts; look-ups run concurrently and never throw. */
  async ensure(pairs: Iterable<readonly [string, string]>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [model, digest] of pairs) {
      const key = `${model}|${digest}`;
      const e = this.entries.get(key);
      if (e && this.now() - e.fetchedAt < (e.ok ? this.ttlMs : this.missTtlMs)) continue;
      let p = this.inflight.get(key);
      if (!p) {
        p = this.fetch(key, model, digest).finally(() => this.inflight.delete(key));
        this.inflight.set(key, p);
      }
      waits.push(p);
    }
    if (waits.length > 0) await Promise.all(waits);
  }

  /** Every known version of a model (a registry event about it arrived): ask again next time. */
  invalidate(model: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${model}|`)) this.entries.delete(key);
  }

  /** Refreshes every cached entry (the periodic refresh of accuracies). */
  async refreshAll(): Promise<void> {
    const pairs = [...this.entries.keys()].map((k) => k.split('|') as [string, string]);
    for (const k of this.entries.keys()) this.entries.get(k)!.fetchedAt = 0;
    await this.ensure(pairs);
  }

  private async fetch(key: string, model: string, digest: string): Promise<void> {
    try {
      const version = await this.source.version(model, digest);
      this.entries.set(key, { version, fetchedAt: this.now(), ok: version !== undefined });
    } catch {
      // Keep the last good facts through a registry outage; retry after missTtl.
      const before = this.entries.get(key)?.version;
      this.entries.set(key, { version: before, fetchedAt: this.now(), ok: false });
    }
  }
}
