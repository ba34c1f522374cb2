import { createHash } from 'node:crypto';
import { hashFileWith } from '../hash-file';

/** One file of a DVC directory listing: its posix path under the directory and the md5 of its bytes. */
export interface DvcDirEntry {
  relpath: string;
  md5: string;
}

/**
 * MD5 of a file's raw bytes, as DVC 3 records it (`hash: md5`; older `.dvc` files without that
 * line used md5 after CRLF→LF for text files, which Lynx does not write). Streamed through one
 * reused buffer like hashFile, and O_NOFOLLOW for the same reason.
 */
export async function dvcFileMd5(path: string): Promise<{ md5: string; size: number }> {
  const { hex, size } = await hashFileWith('md5', path);
  return { md5: hex, size };
}

/** Compares by Unicode code point, as Python's `sorted` orders str (JS's default sorts UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/**
 * The text Python's `json.dumps(obj, sort_keys=True)` writes for DVC's listing: separators ", "
 * and ": ", and every character outside printable ASCII escaped as \uXXXX (ensure_ascii), which
 * JSON.stringify leaves raw. JSON.stringify already escapes quotes, backslashes and C0 controls
 * the way Python does, so only the rest is rewritten.
 */
function pythonJsonDumps(entries: readonly DvcDirEntry[]): string {
  const str = (s: string) =>
    JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `[${entries.map((e) => `{"md5": ${str(e.md5)}, "relpath": ${str(e.relpath)}}`).join(', ')}]`;
}

/**
 * DVC's directory hash (dvc_data/hashfile/tree.py, `Tree.as_bytes` and `digest`): the listing of
 * every file as {"md5", "relpath"} sorted by relpath, serialised by Python's json.dumps with
 * sort_keys, md5 of its UTF-8 bytes, plus ".dir". Checked against DVC's own golden vectors and
 * against the real `dvc` on the repository's data (dvc-hash.spec.ts, tools/dvc.spec.ts).
 */
export function dvcDirMd5(entries: readonly DvcDirEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  return `${createHash('md5').update(pythonJsonDumps(sorted), 'utf8').digest('hex')}.dir`;
}
