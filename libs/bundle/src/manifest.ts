import { createHash } from 'node:crypto';
import { DuplicatePathError, InvalidManifestError, UnsafePathError } from './errors';
import { parseDigest } from './digest';
import { validateBundlePath } from './path';

/** One file of a bundle: path relative to the root with `/` separators, size in bytes, `sha256:<hex>`. */
export interface ManifestFile {
  path: string;
  size: number;
  digest: string;
}

/** The files of a bundle sorted by path bytes, and the bundle digest over them. */
export interface BundleManifest {
  files: ManifestFile[];
  digest: string;
}

/** Orders paths by their UTF-8 bytes (so "Z" < "a" < "é"), not by UTF-16 units or locale. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Returns a copy sorted by path bytes; the canonical order of every manifest. */
export function sortFiles(files: readonly ManifestFile[]): ManifestFile[] {
  return files
    .map((file) => ({ file, key: Buffer.from(file.path, 'utf8') }))
    .sort((x, y) => Buffer.compare(x.key, y.key))
    .map(({ file }) => file);
}

/**
 * The canonical manifest text: one line `<hex sha256> <size> <path>\n` per file, sorted by path
 * bytes. The hex is bare (no `sha256:` prefix). Files are sorted here, so callers may pass any order.
 */
export function manifestText(files: readonly ManifestFile[]): string {
  return sortFiles(files)
    .map((file) => `${parseDigest(file.digest).hex} ${file.size} ${file.path}\n`)
    .join('');
}

/** `sha256:` + hex SHA-256 of a manifest text. */
export function digestOfManifestText(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/**
 * Recomputes a bundle digest from a list of files without the files themselves (the registry does
 * this with a posted manifest). Validates the list first, so a bad entry never yields a digest.
 */
export function digestFromFiles(files: unknown): string {
  return digestOfManifestText(manifestText(validateManifestFiles(files)));
}

/**
 * Checks a manifest that came from outside: a list of `{path, size, digest}` with safe, unique
 * paths, sizes that are non-negative safe integers and `sha256:` + 64 lowercase hex digests. A
 * path that is both a file and the folder of another file (`a` and `a/b`) is refused too: no
 * filesystem can hold it. Returns the files sorted by path bytes.
 */
export function validateManifestFiles(files: unknown): ManifestFile[] {
  if (!Array.isArray(files)) throw new InvalidManifestError('files must be a list');
  const seen = new Set<string>();
  const checked: ManifestFile[] = files.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null) {
      throw new InvalidManifestError(`entry ${index} is not an object`, { index });
    }
    const { path, size, digest } = entry as Record<string, unknown>;
    validateBundlePath(path);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new InvalidManifestError(`size of ${JSON.stringify(path)} must be a non-negative integer`, { path, size });
    }
    parseDigest(digest);
    if (seen.has(path as string)) throw new DuplicatePathError(path as string);
    seen.add(path as string);
    return { path: path as string, size, digest: digest as string };
  });
  for (const file of checked) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const folder = parts.slice(0, i).join('/');
      if (seen.has(folder)) {
        throw new UnsafePathError(folder, 'file_is_also_directory', `is a file and the folder of ${JSON.stringify(file.path)}`);
      }
    }
  }
  return sortFiles(checked);
}
