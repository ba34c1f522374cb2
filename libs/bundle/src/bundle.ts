import { lstat, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BundleNotFoundError, SymlinkRejectedError } from './errors';
import { hashFile } from './hash-file';
import { type BundleManifest, type ManifestFile, digestOfManifestText, manifestText, sortFiles } from './manifest';
import { validateBundlePath } from './path';
import { type WalkedFile, walkBundle } from './walk';

/** How many files are hashed at once: enough to overlap I/O with hashing, few enough to keep memory flat. */
export const HASH_CONCURRENCY = 4;

export interface BundleOptions {
  /** Called once the walk has found every file, with their total size: lets a caller size a progress bar. */
  onStart?: (totalBytes: number, fileCount: number) => void;
  /** Called after each chunk hashed, with the chunk's size in bytes. */
  onBytes?: (bytes: number) => void;
}

/**
 * The manifest of the bundle rooted at `dir`: every regular file below it (see walkBundle for what
 * is refused), with size and SHA-256, sorted by path bytes, and the bundle digest over them
 * (DESIGN.md, "Identity and the canonical digest"). `dir` itself may be reached through a symlink;
 * links inside it are refused. An empty folder has an empty manifest and the digest of "".
 */
export async function bundleManifest(dir: string, options: BundleOptions = {}): Promise<BundleManifest> {
  await requireKind(dir, 'directory');
  const walked = await walkBundle(dir);
  return hashWalked(walked, options);
}

/** The bundle digest of `dir`: `sha256:` + hex SHA-256 of its manifest text. */
export async function bundleDigest(dir: string, options: BundleOptions = {}): Promise<string> {
  return (await bundleManifest(dir, options)).digest;
}

/**
 * The manifest of a single file taken as a bundle of one file named by its base name. Its digest
 * equals that of a folder holding only that file, so a data file and its folder form agree.
 */
export async function fileManifest(file: string, options: BundleOptions = {}): Promise<BundleManifest> {
  const path = validateBundlePath(basename(file));
  // As inside a folder, a link is refused: its content is not the file's own.
  if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) throw new SymlinkRejectedError(path);
  const stats = await requireKind(file, 'file');
  return hashWalked([{ path, absolutePath: file, size: stats.size }], options);
}

async function hashWalked(walked: WalkedFile[], options: BundleOptions): Promise<BundleManifest> {
  options.onStart?.(
    walked.reduce((sum, file) => sum + file.size, 0),
    walked.length,
  );
  const files = await mapLimit(walked, HASH_CONCURRENCY, async (file): Promise<ManifestFile> => {
    const { digest, size } = await hashFile(file.absolutePath, options.onBytes);
    return { path: file.path, size, digest };
  });
  const sorted = sortFiles(files);
  return { files: sorted, digest: digestOfManifestText(manifestText(sorted)) };
}

async function requireKind(path: string, kind: 'directory' | 'file') {
  const stats = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new BundleNotFoundError(path, 'no such file or directory');
    throw err;
  });
  const ok = kind === 'directory' ? stats.isDirectory() : stats.isFile();
  if (!ok) throw new BundleNotFoundError(path, `not a ${kind}`);
  return stats;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
