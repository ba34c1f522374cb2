import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { DigestMismatchError } from '@lynx/schema';
import { bundleManifest } from '../bundle';
import type { ManifestFile } from '../manifest';
import { clientOf, type RegistryTarget } from './http';

/** What is registered beside the manifest; never part of the digest. */
export interface VersionFields {
  lineage?: Record<string, unknown>;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  description?: string;
}

export interface PushOptions {
  /** Called once the missing blobs are known, with the bytes about to be uploaded. */
  onStart?: (totalBytes: number, files: readonly ManifestFile[]) => void;
  onBytes?: (n: number) => void;
}

/**
 * Streams one file as the blob `digest` (the registry verifies it against the digest). A PUT by
 * digest is idempotent, so the client sends an upload the transport cut short once more.
 */
export async function putBlob(registry: RegistryTarget, digest: string, file: string, size: number, onBytes?: (n: number) => void): Promise<void> {
  await clientOf(registry).putBlob(
    digest,
    () => {
      const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
      if (onBytes) stream.on('data', (chunk) => onBytes(chunk.length));
      return stream;
    },
    size,
  );
}

export async function hasBlob(registry: RegistryTarget, digest: string): Promise<boolean> {
  return clientOf(registry).hasBlob(digest);
}

/**
 * Hashes the bundle folder, uploads the blobs the registry lacks (OCI shape: PUT by digest),
 * then registers the version; refuses if the registry computed another digest than the folder's.
 */
export async function pushBundle(target: RegistryTarget, model: string, dir: string, fields: VersionFields = {}, opts: PushOptions = {}): Promise<{ digest: string; uploaded: number }> {
  const registry = clientOf(target);
  const manifest = await bundleManifest(dir);
  const present = await Promise.all(manifest.files.map((f) => registry.hasBlob(f.digest)));
  const missing = [...new Map(manifest.files.filter((_, i) => !present[i]).map((f) => [f.digest, f])).values()];
  opts.onStart?.(missing.reduce((s, f) => s + f.size, 0), missing);
  for (const f of missing) await putBlob(registry, f.digest, join(dir, ...f.path.split('/')), f.size, opts.onBytes);
  const body = { manifest: { files: manifest.files }, lineage: fields.lineage ?? { data: [] }, ...withoutUndefined({ metrics: fields.metrics, tags: fields.tags, description: fields.description }) };
  const version = await registry.registerVersion(model, body as Parameters<typeof registry.registerVersion>[1]);
  if (version.digest !== manifest.digest) {
    throw new DigestMismatchError(`the registry computed ${version.digest}, the folder hashes to ${manifest.digest}`, { expected: manifest.digest, actual: version.digest });
  }
  return { digest: version.digest, uploaded: missing.length };
}

const withoutUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
