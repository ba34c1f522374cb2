import {
  aliasNameSchema,
  compareSemver,
  digestSchema,
  isDevSemver,
  modelNameSchema,
  parseReference,
  parseSemver,
  referenceSchema,
  roleAtLeast,
  semverSchema,
} from './common';
import { ROLES } from './names';

const HEX = 'a'.repeat(64);

describe('digestSchema', () => {
  it('accepts sha256 with 64 lowercase hex', () => {
    expect(digestSchema.parse(`sha256:${HEX}`)).toBe(`sha256:${HEX}`);
  });
  it.each([
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['short', `sha256:${'a'.repeat(63)}`],
    ['long', `sha256:${'a'.repeat(65)}`],
    ['no algorithm', HEX],
    ['other algorithm', `sha512:${HEX}`],
    ['non-hex', `sha256:${'g'.repeat(64)}`],
    ['trailing newline', `sha256:${HEX}\n`],
  ])('rejects %s', (_, v) => {
    expect(digestSchema.safeParse(v).success).toBe(false);
  });
});

describe('semver', () => {
  it.each(['v0.0.1', 'v1.2.3', 'v10.20.30', 'v1.2.3-dev.4', 'v1.0.0-rc.1', 'v1.0.0-alpha-1'])('accepts %s', (v) => {
    expect(semverSchema.safeParse(v).success).toBe(true);
  });
  it.each(['1.2.3', 'v1.2', 'v01.2.3', 'v1.2.3+build.5', 'v1.2.3-', 'v1.2.3-01', 'V1.2.3', 'v1.2.3 '])('rejects %s', (v) => {
    expect(semverSchema.safeParse(v).success).toBe(false);
  });

  it('orders by SemVer 2.0 precedence (spec §11 example chain)', () => {
    // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
    //                 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0
    const chain = ['alpha', 'alpha.1', 'alpha.beta', 'beta', 'beta.2', 'beta.11', 'rc.1'].map((p) => `v1.0.0-${p}`);
    chain.push('v1.0.0');
    for (let i = 0; i + 1 < chain.length; i++) {
      expect(compareSemver(chain[i], chain[i + 1])).toBe(-1);
      expect(compareSemver(chain[i + 1], chain[i])).toBe(1);
    }
    const shuffled = [...chain].reverse();
    expect(shuffled.sort(compareSemver)).toEqual(chain);
  });

  it('compares numerically, not as text', () => {
    expect(compareSemver('v0.10.0', 'v0.9.9')).toBe(1);
    expect(compareSemver('v1.2.3-dev.10', 'v1.2.3-dev.9')).toBe(1);
    expect(compareSemver('v2.0.0', 'v2.0.0')).toBe(0);
  });

  it('throws on a malformed input naming the function', () => {
    expect(() => compareSemver('1.2.3', 'v1.2.3')).toThrow(/compareSemver/);
  });

  it('parses and recognises dev pre-releases', () => {
    expect(parseSemver('v1.2.3-dev.4')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: ['dev', 4] });
    expect(isDevSemver('v1.2.3-dev.4')).toBe(true);
    expect(isDevSemver('v1.2.3-rc.1')).toBe(false);
    expect(isDevSemver('v1.2.3')).toBe(false);
  });
});

describe('names and references', () => {
  it('model names: lowercase, 1–64 chars, no leading punctuation', () => {
    expect(modelNameSchema.safeParse('grammar-tutor').success).toBe(true);
    expect(modelNameSchema.safeParse('a'.repeat(64)).success).toBe(true);
    for (const bad of ['', 'Grammar', '-x', 'a'.repeat(65), 'a/b', 'a b', '../x']) {
      expect(modelNameSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('aliases must not read as digest prefixes or semvers', () => {
    expect(aliasNameSchema.safeParse('production').success).toBe(true);
    expect(aliasNameSchema.safeParse('champion-2').success).toBe(true);
    expect(aliasNameSchema.safeParse('abcdefabcdef').success).toBe(false);
    expect(aliasNameSchema.safeParse('1abc').success).toBe(false);
  });

  it('classifies every reference kind', () => {
    expect(parseReference(`sha256:${HEX}`)).toEqual({ kind: 'digest', value: `sha256:${HEX}` });
    expect(parseReference(HEX)).toEqual({ kind: 'digest', value: `sha256:${HEX}` });
    expect(parseReference('0123456789ab')).toEqual({ kind: 'prefix', value: '0123456789ab' });
    expect(parseReference('sha256:0123456789ab')).toEqual({ kind: 'prefix', value: '0123456789ab' });
    expect(parseReference('v0.3.1')).toEqual({ kind: 'semver', value: 'v0.3.1' });
    expect(parseReference('production')).toEqual({ kind: 'alias', value: 'production' });
    for (const bad of ['0123456789a', 'ABCDEF012345', '../etc', '', 'sha256:xyz']) {
      expect(parseReference(bad)).toBeUndefined();
      expect(referenceSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('orders roles reader < trainer < operator < ci < admin', () => {
    for (const [i, have] of ROLES.entries()) {
      for (const [j, need] of ROLES.entries()) expect(roleAtLeast(have, need)).toBe(i >= j);
    }
  });
});
