import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BundleNotFoundError, InvalidManifestError } from './errors';
import { type BundleOptions, bundleManifest, fileManifest } from './bundle';
import { isDigest } from './digest';
import { type ManifestFile, digestFromFiles, validateManifestFiles } from './manifest';

/**
 * A data snapshot (`<target>.lynxdata.json`, committed beside the data, as a `.dvc` file is to DVC):
 * the files, sizes and digests of a data folder or file, and its bundle digest. It holds no
 * timestamp or host detail, so snapshotting unchanged data writes a byte-identical file.
 *
 * A single file is snapshotted as a bundle of one file named by its base name (`kind: "file"`);
 * its digest equals that of a folder holding only that file.
 */
export interface DataSnapshot {
  version: 1;
  kind: 'directory' | 'file';
  /** Base name of the snapshotted folder or file; the snapshot sits beside it. */
  path: string;
  digest: string;
  files: ManifestFile[];
}

export const DATA_SNAPSHOT_SUFFIX = '.lynxdata.json';

/** Where the snapshot of `target` lives: beside it, named `<target>.lynxdata.json`. */
export function snapshotPathFor(target: string): string {
  const trimmed = target.replace(/[/\\]+$/, '');
  return `${trimmed === '' ? target : trimmed}${DATA_SNAPSHOT_SUFFIX}`;
}

/** Digests a data folder or file and returns its snapshot (not written). */
export async function takeDataSnapshot(target: string, options: BundleOptions = {}): Promise<DataSnapshot> {
  const stats = await stat(target).catch(() => {
    throw new BundleNotFoundError(target, 'no such file or directory');
  });
  const kind = stats.isDirectory() ? 'directory' : 'file';
  const manifest = kind === 'directory' ? await bundleManifest(target, options) : await fileManifest(target, options);
  const name = basename(target.replace(/[/\\]+$/, ''));
  return { version: 1, kind, path: name, digest: manifest.digest, files: manifest.files };
}

/** The snapshot as committed: fixed key order, two-space indent, final newline. */
export function serializeDataSnapshot(snapshot: DataSnapshot): string {
  const ordered = {
    version: snapshot.version,
    kind: snapshot.kind,
    path: snapshot.path,
    digest: snapshot.digest,
    files: snapshot.files.map(({ path, size, digest }) => ({ path, size, digest })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Reads a snapshot's text and checks it: shape, version, every file entry, and that its digest
 * is the digest of its files (a hand-edited snapshot is refused rather than trusted).
 * Throws InvalidManifestError (or the path/digest errors of validateManifestFiles).
 */
export function parseDataSnapshot(text: string): DataSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidManifestError(`not JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidManifestError('not an object');
  const { version, kind, path, digest, files } = data as Record<string, unknown>;
  if (version !== 1) throw new InvalidManifestError(`unsupported version ${JSON.stringify(version)} (expected 1)`);
  if (kind !== 'directory' && kind !== 'file') throw new InvalidManifestError('kind must be "directory" or "file"');
  if (typeof path !== 'string' || path === '') throw new InvalidManifestError('path must be a non-empty string');
  if (!isDigest(digest)) throw new InvalidManifestError('digest must be sha256: + 64 lowercase hex digits');
  const checked = validateManifestFiles(files);
  if (digestFromFiles(checked) !== digest) throw new InvalidManifestError('digest does not match the listed files');
  return { version, kind, path, digest, files: checked };
}

export interface ChangedFile {
  path: string;
  expected: { size: number; digest: string };
  actual: { size: number; digest: string };
}

export interface ManifestDiff {
  added: ManifestFile[];
  removed: ManifestFile[];
  changed: ChangedFile[];
}

/** What differs between a recorded file list and the current one; all three empty means equal. */
export function diffManifests(expected: readonly ManifestFile[], actual: readonly ManifestFile[]): ManifestDiff {
  const before = new Map(expected.map((file) => [file.path, file]));
  const after = new Map(actual.map((file) => [file.path, file]));
  const diff: ManifestDiff = { added: [], removed: [], changed: [] };
  for (const file of actual) {
    const old = before.get(file.path);
    if (!old) diff.added.push(file);
    else if (old.size !== file.size || old.digest !== file.digest) {
      diff.changed.push({
        path: file.path,
        expected: { size: old.size, digest: old.digest },
        actual: { size: file.size, digest: file.digest },
      });
    }
  }
  for (const file of expected) if (!after.has(file.path)) diff.removed.push(file);
  return diff;
}
