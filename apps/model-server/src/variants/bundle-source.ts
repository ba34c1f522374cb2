import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { BundleNotFoundError, isDigest } from '@lynx/bundle';
import { MODEL_NAME_RE, PathOutsideRootError, ValidationError } from '@lynx/schema';

/** Where a variant's bundle comes from: a directory on this machine, or a version in the registry. */
export type BundleSource =
  | { kind: 'dir'; dir: string; digest?: string }
  | { kind: 'registry'; model: string; ref: string };

export interface SourceOptions {
  /** Relative directories resolve against this one. */
  baseDir: string;
  /** Refuse directories that resolve (after `..` and symlinks) outside baseDir. */
  confine: boolean;
}

/**
 * Reads a `lora_path` (or a LYNX_MODEL_SERVER_MODELS location). As vLLM takes a local path or
 * else a hub id, this takes a bundle directory, optionally pinned as `<dir>@sha256:<hex>`, or
 * else a registry reference `<model>@<ref>` (ref: digest, semver or alias): the text is a
 * registry reference when it is `<model>@<ref>` without a `/` and no directory of that name exists.
 */
export async function parseBundleSource(text: string, options: SourceOptions): Promise<BundleSource> {
  if (text.includes('\0')) throw new ValidationError('lora_path contains a NUL byte', { issues: [{ path: 'lora_path', code: 'custom', message: 'NUL byte' }] });
  const at = text.lastIndexOf('@');
  const location = at < 0 ? text : text.slice(0, at);
  const ref = at < 0 ? undefined : text.slice(at + 1);
  if (ref !== undefined && ref !== '' && MODEL_NAME_RE.test(location) && !(await isDirectory(resolve(options.baseDir, location)))) {
    return { kind: 'registry', model: location, ref };
  }
  if (ref !== undefined && !isDigest(ref)) {
    throw new ValidationError(`"${text}": a bundle directory is pinned by digest only (<dir>@sha256:<64 hex>)`, {
      issues: [{ path: 'lora_path', code: 'custom', message: 'expected <dir>@sha256:<64 hex>' }],
    });
  }
  const dir = resolve(options.baseDir, location);
  if (options.confine) await assertInside(dir, options.baseDir, location);
  return { kind: 'dir', dir, ...(ref ? { digest: ref } : {}) };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** Compares real paths, so neither `..` nor a symlink inside the root can lead out of it. */
async function assertInside(dir: string, root: string, shown: string): Promise<void> {
  const lexical = relative(resolve(root), dir);
  if (lexical.startsWith('..') || isAbsolute(lexical)) throw new PathOutsideRootError(shown, root);
  const realRoot = await realpath(root).catch(() => {
    throw new BundleNotFoundError(root, 'the adapter root does not exist (LYNX_MODEL_SERVER_ADAPTER_ROOT)');
  });
  const realDir = await realpath(dir).catch(() => {
    throw new BundleNotFoundError(shown, 'no such bundle directory under the adapter root');
  });
  const rel = relative(realRoot, realDir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new PathOutsideRootError(shown, root);
}
