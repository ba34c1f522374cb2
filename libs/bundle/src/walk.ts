import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SymlinkRejectedError, UnsafePathError, UnsupportedFileTypeError } from './errors';
import { validateBundlePath } from './path';

/** A regular file found under a bundle root: its bundle path, its location on disk, its size at walk time. */
export interface WalkedFile {
  path: string;
  absolutePath: string;
  size: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Lists the regular files under `root`, recursively. Symlinks (at any depth, to files or folders)
 * and anything that is not a regular file or a directory are refused with a named error. Every
 * bundle path goes through validateBundlePath, so a folder that digests locally can always be
 * pushed: names that are not UTF-8, not NFC, or hold a backslash or control character are refused
 * here rather than at upload. Empty folders yield nothing, so they do not change the digest.
 */
export async function walkBundle(root: string): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  await walkInto(root, '', out);
  return out;
}

async function walkInto(root: string, prefix: string, out: WalkedFile[]): Promise<void> {
  const folder = prefix === '' ? root : join(root, prefix);
  // Names as bytes, so a name that is not valid UTF-8 is caught instead of silently replaced with U+FFFD.
  const names = await readdir(folder, { encoding: 'buffer' });
  for (const raw of names) {
    let name: string;
    try {
      name = UTF8.decode(raw);
    } catch {
      const shown = `${prefix === '' ? '' : `${prefix}/`}${raw.toString('latin1')}`;
      throw new UnsafePathError(shown, 'invalid_utf8', 'file name is not valid UTF-8');
    }
    const path = validateBundlePath(prefix === '' ? name : `${prefix}/${name}`);
    const absolutePath = join(root, path);
    const stats = await lstat(absolutePath);
    if (stats.isSymbolicLink()) throw new SymlinkRejectedError(path);
    if (stats.isDirectory()) await walkInto(root, path, out);
    else if (stats.isFile()) out.push({ path, absolutePath, size: stats.size });
    else throw new UnsupportedFileTypeError(path, fileKind(stats));
  }
}

function fileKind(stats: Awaited<ReturnType<typeof lstat>>): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isCharacterDevice()) return 'character device';
  return 'special file';
}
