import { createHash } from 'node:crypto';
import { ERROR_CODES } from '@lynx/schema';
import { DuplicatePathError, InvalidDigestError, InvalidManifestError, UnsafePathError } from './errors';
import { isDigest, parseDigest } from './digest';
import { comparePaths, digestFromFiles, manifestText, validateManifestFiles } from './manifest';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const file = (path: string, content: string) => ({ path, size: Buffer.byteLength(content), digest: `sha256:${sha(content)}` });

describe('digest helpers', () => {
  const hex = 'a'.repeat(64);
  it('accepts sha256 + 64 lowercase hex only', () => {
    expect(isDigest(`sha256:${hex}`)).toBe(true);
    expect(parseDigest(`sha256:${hex}`)).toEqual({ algorithm: 'sha256', hex });
    for (const bad of [`sha256:${'A'.repeat(64)}`, hex, `sha256:${hex.slice(1)}`, `sha512:${hex}`, `sha256:${hex}0`, 7, null]) {
      expect(isDigest(bad)).toBe(false);
      expect(() => parseDigest(bad)).toThrow(InvalidDigestError);
    }
  });
});

describe('manifestText and digestFromFiles', () => {
  it('matches a manifest written by hand, sorted by UTF-8 bytes', () => {
    const files = [file('é.txt', 'accent'), file('a.txt', 'lower'), file('Z.txt', 'upper'), file('b/c.txt', '')];
    const byHand =
      `${sha('upper')} 5 Z.txt\n` + `${sha('lower')} 5 a.txt\n` + `${sha('')} 0 b/c.txt\n` + `${sha('accent')} 6 é.txt\n`;
    expect(manifestText(files)).toBe(byHand);
    expect(digestFromFiles(files)).toBe(`sha256:${createHash('sha256').update(byHand, 'utf8').digest('hex')}`);
  });

  it('sorts by bytes where UTF-16 order differs (emoji after U+FF5E)', () => {
    // U+1F98A is a surrogate pair (0xD83E…) in UTF-16 but F0 9F… in UTF-8; U+FF5E is EF BD 9E.
    expect('🦊' < '～').toBe(true);
    expect(comparePaths('🦊', '～')).toBeGreaterThan(0);
    expect(manifestText([file('🦊', 'x'), file('～', 'y')]).split('\n')[0]).toMatch(/ ～$/);
  });

  it('gives the digest of "" for an empty bundle', () => {
    expect(digestFromFiles([])).toBe(`sha256:${sha('')}`);
  });
});

describe('validateManifestFiles', () => {
  const ok = file('a.txt', 'x');
  const codeOf = (files: unknown) => {
    try {
      validateManifestFiles(files);
    } catch (err) {
      return (err as { code: string }).code;
    }
    return 'accepted';
  };

  it.each(['../x', '/etc/passwd', 'a/../../b', 'a\\..\\b', '%2e%2e/x', 'a//b', './a', 'a\u0000b', ''])(
    'refuses the path %j with unsafe_path',
    (path) => {
      expect(() => validateManifestFiles([{ ...ok, path }])).toThrow(UnsafePathError);
      expect(codeOf([{ ...ok, path }])).toBe(ERROR_CODES.unsafePath);
    },
  );

  it('refuses duplicate paths', () => {
    expect(() => validateManifestFiles([ok, { ...ok }])).toThrow(DuplicatePathError);
    expect(codeOf([ok, ok])).toBe('duplicate_path');
  });

  it('refuses uppercase and malformed digests', () => {
    expect(codeOf([{ ...ok, digest: ok.digest.toUpperCase() }])).toBe(ERROR_CODES.invalidDigest);
    expect(codeOf([{ ...ok, digest: `sha256:${'A'.repeat(64)}` }])).toBe(ERROR_CODES.invalidDigest);
    expect(codeOf([{ ...ok, digest: 'sha256:abc' }])).toBe(ERROR_CODES.invalidDigest);
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, '3', null])('refuses the size %j', (size) => {
    expect(() => validateManifestFiles([{ ...ok, size }])).toThrow(InvalidManifestError);
  });

  it('refuses a path that is both a file and a folder', () => {
    expect(codeOf([ok, file('a.txt/b', 'y')])).toBe(ERROR_CODES.unsafePath);
  });

  it('refuses a non-list and non-object entries', () => {
    expect(codeOf({})).toBe('invalid_manifest');
    expect(codeOf([null])).toBe('invalid_manifest');
  });

  it('returns the files sorted by path bytes', () => {
    const files = [file('é', '1'), file('a', '2'), file('Z', '3')];
    expect(validateManifestFiles(files).map((f) => f.path)).toEqual(['Z', 'a', 'é']);
  });
});
