import { RegistryClient as Client } from '@lynx/registry-client';
import { versionAccuracy, type UsageRollupRequest } from '@lynx/schema';

/** A version as the cost emitter and `lynx costs` read it from the registry (extra fields ignored). */
export interface RegistryVersion {
  digest: string;
  semver: string | null;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  /** Newest evaluation's overall accuracy (else metrics.accuracy); null when neither is known. */
  accuracy: number | null;
}

/**
 * What the cost emitter asks the registry (a version's tags, semver and accuracy; posting usage
 * rollups), on the one registry client; a class so Nest can provide it.
 */
export class RegistryClient {
  private readonly client: Client;

  constructor(baseUrl: string, token?: string, timeoutMs = 5000) {
    this.client = new Client({ url: baseUrl, token: token ?? null, timeoutMs });
  }

  /** One version by reference; undefined when the registry does not know it (404). */
  async version(model: string, ref: string): Promise<RegistryVersion | undefined> {
    const v = await this.client.findVersion(model, ref);
    return v && toVersion(v);
  }

  /** POST a usage rollup; the registry ignores a rollup id it already has. */
  postUsage(model: string, digest: string, body: UsageRollupRequest): Promise<number> {
    return this.client.postUsage(model, digest, body);
  }
}

/**
 * A version as `GET …/versions/{ref}` returns it (with its evaluations). Accuracy for CpQU is
 * versionAccuracy's, whether or not the version ever served.
 */
export function toVersion(raw: unknown): RegistryVersion {
  const v = raw as Record<string, unknown>;
  const metrics = (v.metrics ?? {}) as Record<string, number>;
  return {
    digest: String(v.digest),
    semver: (v.semver as string | null | undefined) ?? null,
    aliases: (v.aliases as string[] | undefined) ?? [],
    tags: (v.tags as Record<string, string> | undefined) ?? {},
    metrics,
    accuracy: versionAccuracy(v),
  };
}

