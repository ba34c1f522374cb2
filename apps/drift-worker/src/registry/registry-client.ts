import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullBundle } from '@lynx/bundle';
import { RegistryClient as Client } from '@lynx/registry-client';
import type { Lineage, ManifestFile } from '@lynx/schema';

/** The part of a registry version the drift worker reads. */
export interface RegistryVersion {
  model: string;
  digest: string;
  lineage: Lineage;
  tags?: Record<string, string>;
  /** Gate evaluations recorded for the version, oldest first (GET version includes them). */
  evaluations?: Array<{ result: unknown; created_at?: string }>;
}

export interface RegisterInput {
  /** Bundle directory; every file is uploaded as a blob first. */
  dir: string;
  files: ManifestFile[];
  lineage: Lineage;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  description?: string;
}

/** What the drift worker needs from the registry: the port its services are given (a fake in unit tests). */
export interface RegistryClient {
  getVersion(model: string, ref: string): Promise<RegistryVersion>;
  register(model: string, input: RegisterInput): Promise<RegistryVersion>;
  /** Downloads a version's bundle into `dir` (verified against its digest). */
  pull(model: string, ref: string, dir: string): Promise<string>;
}

/** That port on the one registry client (LYNX_TOKEN; registering needs role trainer). */
export class HttpRegistryClient implements RegistryClient {
  private readonly client: Client;

  constructor(baseUrl: string, token?: string) {
    this.client = new Client({ url: baseUrl, token: token ?? null });
  }

  getVersion(model: string, ref: string): Promise<RegistryVersion> {
    return this.client.version(model, ref);
  }

  async pull(model: string, ref: string, dir: string): Promise<string> {
    return (await pullBundle(this.client, model, ref, dir)).digest;
  }

  async register(model: string, input: RegisterInput): Promise<RegistryVersion> {
    for (const f of input.files) {
      const bytes = await readFile(join(input.dir, f.path));
      await this.client.putBlob(f.digest, () => bytes, bytes.length);
    }
    return this.client.registerVersion(model, {
      manifest: { files: input.files },
      lineage: input.lineage,
      ...(input.metrics ? { metrics: input.metrics } : {}),
      ...(input.tags ? { tags: input.tags } : {}),
      ...(input.description ? { description: input.description } : {}),
    });
  }
}
