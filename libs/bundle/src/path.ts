import { UnsafePathError } from './errors';

/** Longest accepted bundle path and segment, in UTF-8 bytes (PATH_MAX-ish and NAME_MAX on Linux). */
export const MAX_PATH_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;

// C0 controls (NUL included), DEL and C1 controls: invisible in logs and meaningful to some shells/filesystems.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DRIVE_RE = /^[A-Za-z]:/;
const PERCENT_ESCAPE_RE = /%[0-9A-Fa-f]{2}/;

/**
 * Checks a bundle-relative path, typically one that arrived over the network in a manifest, and
 * returns it unchanged when safe. A safe path is non-empty, relative, `/`-separated, and every
 * segment is a real name (no `''`, `.` or `..`), so joining it to a root can never leave the root.
 *
 * Choices beyond the obvious:
 * - Any `%XX` escape is refused: some layer (HTTP framework, proxy, object store) may decode once
 *   more after this check and turn `%2e%2e%2f` into `../`. Refusing is cheaper than proving no
 *   layer decodes. A literal `%` not followed by two hex digits is fine.
 * - Paths must be in Unicode NFC: macOS hands out NFD names and some filesystems fold the two, so
 *   `é` (NFC) and `e\u0301` (NFD) could be two manifest entries but one file on disk. One form
 *   keeps "same bytes, same file" true. Bundles made on macOS should be renamed to NFC.
 * - Backslashes are refused even though they are legal on Linux: on Windows they are separators.
 * - Limits: 1024 bytes per path, 255 bytes per segment (UTF-8).
 *
 * Throws UnsafePathError (400, `unsafe_path`) naming the path and the rule it broke.
 */
export function validateBundlePath(path: unknown): string {
  if (typeof path !== 'string') throw new UnsafePathError(String(path), 'not_a_string', 'path must be a string');
  if (path.length === 0) throw new UnsafePathError(path, 'empty', 'path is empty');
  if (CONTROL_RE.test(path)) throw new UnsafePathError(path, 'control_character', 'NUL or control character');
  if (LONE_SURROGATE_RE.test(path)) throw new UnsafePathError(path, 'invalid_utf8', 'not valid UTF-8');
  if (path.includes('\\')) throw new UnsafePathError(path, 'backslash', 'backslash (use "/" as separator)');
  if (path.startsWith('/') || DRIVE_RE.test(path)) throw new UnsafePathError(path, 'absolute', 'absolute path');
  if (PERCENT_ESCAPE_RE.test(path)) throw new UnsafePathError(path, 'percent_encoded', 'percent-encoded sequence');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) {
    throw new UnsafePathError(path, 'too_long', `longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (path.normalize('NFC') !== path) throw new UnsafePathError(path, 'not_nfc', 'not in Unicode NFC form');
  for (const segment of path.split('/')) {
    if (segment === '') throw new UnsafePathError(path, 'empty_segment', 'empty segment ("//" or trailing "/")');
    if (segment === '.') throw new UnsafePathError(path, 'dot_segment', '"." segment');
    if (segment === '..') throw new UnsafePathError(path, 'dot_dot_segment', '".." segment');
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new UnsafePathError(path, 'segment_too_long', `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return path;
}
