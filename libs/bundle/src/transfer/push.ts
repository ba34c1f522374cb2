import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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
 * Streams one file as the blob `digest` (the registry verifies it against the digest). The file
 * is opened and read only as the transport asks for bytes, and progress counts them then. The
 * request often waits for a socket first (undici closes a connection after a HEAD, so the upload
 * after hasBlob opens a new one): a file stream set flowing meanwhile (e.g. by a progress
 * listener) hands its bytes to no one, and the upload goes out short of its content-length.
 */
export async function putBlob(registry: RegistryTarget, digest: string, file: string, size: number, onBytes?: (n: number) => void): Promise<void> {
  await clientOf(registry).putBlob(digest, () => Readable.from(chunksOf(file, size, onBytes), { highWaterMark: 1 }), size);
}

/**
 * The file's bytes, read on demand; a request that never starts never opens the file. A file
 * that no longer has the size it was hashed at changed since: say so, rather than let the
 * transport fail on a body-length mismatch.
 */
async function* chunksOf(file: string, size: number, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    read += (chunk as Buffer).length;
    if (read > size) throw changedSinceHashed(file, size, `over ${size}`);
    onBytes?.((chunk as Buffer).length);
    yield chunk as Buffer;
  }
  if (read !== size) throw changedSinceHashed(file, size, String(read));
}

const changedSinceHashed = (file: string, size: number, now: string) =>
  new DigestMismatchError(`${file} changed while it was pushed: hashed at ${size} bytes, now ${now}; push again once nothing writes into the bundle`, { path: file, hashed_size: size });

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
