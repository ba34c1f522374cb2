import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, DigestMismatchError, PathOutsideRootError } from '@lynx/schema';
import type { RegistryClient } from '@lynx/registry-client';
import { bundleDigest } from '../bundle';
import { isDigest } from '../digest';
import { digestFromFiles, validateManifestFiles, type ManifestFile } from '../manifest';
import { validateBundlePath } from '../path';
import { clientOf, type RegistryTarget } from './http';

export interface PullOptions {
  /** Called once the manifest is known, with the bytes about to be downloaded. */
  onStart?: (totalBytes: number, files: readonly ManifestFile[]) => void;
  /** Called for every chunk written. */
  onBytes?: (n: number) => void;
}

/** Resolves a manifest path under `root`, refusing anything that would land outside it. */
export function bundleTarget(root: string, path: string): string {
  validateBundlePath(path);
  const base = resolve(root);
  const target = resolve(base, ...path.split('/'));
  if (!target.startsWith(base + sep)) throw new PathOutsideRootError(path, root);
  return target;
}

/**
 * The manifest of `<model>@<ref>` with the digest it hashes to. Refuses a manifest whose files
 * do not hash to the digest the registry names (or to `ref` itself when it is a digest).
 */
export async function fetchManifest(registry: RegistryTarget, model: string, ref: string): Promise<{ digest: string; files: ManifestFile[] }> {
  const answer = await clientOf(registry).manifest(model, ref);
  const files = validateManifestFiles(answer.files);
  const digest = digestFromFiles(files);
  const named = isDigest(ref) ? ref : answer.digest;
  if (named !== digest) throw new DigestMismatchError(`the manifest of ${model}@${ref} hashes to ${digest}, not ${String(named)}; refusing`, { expected: named, actual: digest });
  return { digest, files };
}

/**
 * Downloads `<model>@<ref>` into `dir` (new or empty). Every blob is checked against its digest
 * and size while it streams to a temp folder beside `dir`, the folder against the bundle digest,
 * and only then is it renamed into place: a failed pull leaves nothing behind. If another pull
 * of the same digest got there first, its folder is kept.
 */
export async function pullBundle(target: RegistryTarget, model: string, ref: string, dir: string, opts: PullOptions = {}): Promise<{ digest: string; files: number }> {
  const registry = clientOf(target);
  const { digest, files } = await fetchManifest(registry, model, ref);
  if (await notEmpty(dir)) throw new ConflictError(`${dir} is not empty; pull into a new or empty folder`, { dir });
  const tmp = `${resolve(dir)}.pull-${randomUUID()}`;
  try {
    await mkdir(tmp, { recursive: true });
    opts.onStart?.(files.reduce((s, f) => s + f.size, 0), files);
    for (const f of files) await downloadBlob(registry, f, bundleTarget(tmp, f.path), opts.onBytes);
    const actual = await bundleDigest(tmp);
    if (actual !== digest) throw new DigestMismatchError(`${model}@${ref}: the pulled folder hashes to ${actual}, not ${digest}`, { expected: digest, actual });
    await rmdir(dir).catch(() => undefined);
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      if ((err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') || (await bundleDigest(dir)) !== digest) throw err;
    });
    return { digest, files: files.length };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function notEmpty(dir: string): Promise<boolean> {
  return readdir(dir).then(
    (entries) => entries.length > 0,
    () => false,
  );
}

async function downloadBlob(registry: RegistryClient, file: ManifestFile, target: string, onBytes?: (n: number) => void): Promise<void> {
  const body = await registry.getBlob(file.digest, `blob ${file.digest} (${file.path})`);
  await mkdir(dirname(target), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
      // Stop early rather than write more than the manifest promised.
      done(size > file.size ? new DigestMismatchError(`blob ${file.digest} (${file.path}) is larger than ${file.size} bytes`, { path: file.path }) : null, chunk);
    },
  });
  await pipeline(body, meter, createWriteStream(target, { flags: 'wx' }));
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== file.digest || size !== file.size) {
    throw new DigestMismatchError(`${file.path}: received ${actual} (${size} bytes), expected ${file.digest} (${file.size} bytes)`, {
      path: file.path,
      expected: file.digest,
      actual,
    });
  }
}
