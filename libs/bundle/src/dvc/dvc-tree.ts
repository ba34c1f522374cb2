import { stat } from 'node:fs/promises';
import { walkBundle } from '../walk';
import { BundleNotFoundError } from '../errors';
import { dvcDirMd5, dvcFileMd5 } from './dvc-hash';

/** What a `.dvc` file or a dvc.lock entry records of an output: md5 (with `.dir` for a folder), size, nfiles. */
export interface DvcHash {
  md5: string;
  size: number;
  nfiles?: number;
}

/**
 * DVC's hash of a file or folder, as `dvc add` and `dvc repro` record it (`hash: md5`). Folders are
 * walked as bundles are (regular files only, no symlinks), so a folder Lynx digests has exactly one
 * DVC hash too. `.dvcignore` files are not read: Lynx's data folders have none.
 */
export async function dvcHashOf(target: string): Promise<DvcHash> {
  const stats = await stat(target).catch(() => {
    throw new BundleNotFoundError(target, 'no such file or directory');
  });
  if (!stats.isDirectory()) return dvcFileMd5(target);
  const files = await walkBundle(target);
  const entries = await Promise.all(
    files.map(async (f) => ({ relpath: f.path, ...(await dvcFileMd5(f.absolutePath)) })),
  );
  return {
    md5: dvcDirMd5(entries),
    size: entries.reduce((sum, e) => sum + e.size, 0),
    nfiles: entries.length,
  };
}
