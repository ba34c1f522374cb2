import { ERROR_CODES } from '@lynx/schema';
import { UnsafePathError } from './errors';
import { validateBundlePath } from './path';

function ruleOf(path: unknown): string {
  try {
    validateBundlePath(path);
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafePathError);
    const e = err as UnsafePathError;
    expect(e.status).toBe(400);
    expect(e.code).toBe(ERROR_CODES.unsafePath);
    return e.rule;
  }
  throw new Error(`expected ${JSON.stringify(path)} to be refused`);
}

describe('validateBundlePath', () => {
  it.each([
    ['../x', 'dot_dot_segment'],
    ['/etc/passwd', 'absolute'],
    ['a/../../b', 'dot_dot_segment'],
    ['a\\..\\b', 'backslash'],
    ['%2e%2e/x', 'percent_encoded'],
    ['a%2fb', 'percent_encoded'],
    ['a%2F..', 'percent_encoded'],
    ['a//b', 'empty_segment'],
    ['a/', 'empty_segment'],
    ['./a', 'dot_segment'],
    ['a/.', 'dot_segment'],
    ['a/..', 'dot_dot_segment'],
    ['..', 'dot_dot_segment'],
    ['a\u0000b', 'control_character'],
    ['a\nb', 'control_character'],
    ['a\u007fb', 'control_character'],
    ['', 'empty'],
    ['C:\\x', 'backslash'],
    ['C:/x', 'absolute'],
    ['e\u0301.txt', 'not_nfc'],
    ['a\uD800b', 'invalid_utf8'],
    ['x'.repeat(256), 'segment_too_long'],
    [`${'a/'.repeat(512)}b`, 'too_long'],
  ])('refuses %j (%s)', (path, rule) => {
    expect(ruleOf(path)).toBe(rule);
  });

  it('refuses a non-string', () => {
    expect(ruleOf(42)).toBe('not_a_string');
    expect(ruleOf(undefined)).toBe('not_a_string');
  });

  it('names the path and the rule in the message and details', () => {
    const err = (() => {
      try {
        validateBundlePath('a//b');
      } catch (e) {
        return e as UnsafePathError;
      }
    })();
    expect(err?.message).toContain('"a//b"');
    expect(err?.details).toEqual({ path: 'a//b', rule: 'empty_segment' });
  });

  it.each([
    'a',
    'weights/model.bin',
    'a/b/c/d.json',
    '.hidden',
    'a/..b/c..',
    '100%.txt',
    '50%zz',
    'café/日本/🦊.txt',
    'with space.txt',
    'x'.repeat(255),
  ])('accepts %j unchanged', (path) => {
    expect(validateBundlePath(path)).toBe(path);
  });
});
