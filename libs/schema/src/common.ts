import { z } from 'zod';
import { ROLES, type Role } from './names';

// Shapes shared by every entity: digests, semvers, names and references.

export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
export const DIGEST_PREFIX_RE = /^(?:sha256:)?[0-9a-f]{12,64}$/;
export const MODEL_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// Aliases start with a letter so they never read as a digest prefix or a semver.
export const ALIAS_NAME_RE = /^[a-z][a-z0-9._-]{0,63}$/;
// `v` + SemVer 2.0 core + optional pre-release; build metadata is not allowed on the wire.
export const SEMVER_RE =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

export const digestSchema = z
  .string()
  .regex(DIGEST_RE, { message: 'expected sha256:<64 lowercase hex>' });
export type Digest = z.infer<typeof digestSchema>;

export const semverSchema = z.string().regex(SEMVER_RE, { message: 'expected a semver such as v1.2.3 or v1.2.3-dev.4' });
export type Semver = z.infer<typeof semverSchema>;

export const modelNameSchema = z
  .string()
  .regex(MODEL_NAME_RE, { message: 'expected 1-64 chars of a-z 0-9 . _ - starting with a letter or digit' });

export const aliasNameSchema = z
  .string()
  .regex(ALIAS_NAME_RE, { message: 'expected 1-64 chars of a-z 0-9 . _ - starting with a letter' })
  .refine((s) => !DIGEST_PREFIX_RE.test(s), { message: 'an alias must not look like a digest prefix' });

export const roleSchema = z.enum(ROLES);

/** reader < trainer < operator < gate < ci < admin; admin satisfies every requirement. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** A count of things: requests, tokens, items. */
export const countSchema = z.number().int().nonnegative();

export const isoTimeSchema = z.iso.datetime({ offset: true });

export type ReferenceKind = 'digest' | 'prefix' | 'semver' | 'alias';
export interface ParsedReference {
  kind: ReferenceKind;
  /** digest: full `sha256:<hex>`; prefix: bare lowercase hex; semver/alias: as given. */
  value: string;
}

/** Classifies a reference (`sha256:<64 hex>`, ≥12-hex prefix, `v1.2.3`, alias); undefined when none fits. */
export function parseReference(ref: string): ParsedReference | undefined {
  if (DIGEST_RE.test(ref)) return { kind: 'digest', value: ref };
  if (DIGEST_PREFIX_RE.test(ref)) {
    const hex = ref.replace(/^sha256:/, '');
    return hex.length === 64 ? { kind: 'digest', value: `sha256:${hex}` } : { kind: 'prefix', value: hex };
  }
  if (SEMVER_RE.test(ref)) return { kind: 'semver', value: ref };
  if (aliasNameSchema.safeParse(ref).success) return { kind: 'alias', value: ref };
  return undefined;
}

export const referenceSchema = z
  .string()
  .refine((s) => parseReference(s) !== undefined, {
    message: 'expected sha256:<hex>, a digest prefix of at least 12 hex, a semver (v1.2.3) or an alias',
  });

export interface ParsedSemver {
  major: number;
  minor: number;
  patch: number;
  prerelease: Array<string | number>;
}

/** Parses `v1.2.3[-pre.N]`; undefined when malformed. */
export function parseSemver(v: string): ParsedSemver | undefined {
  const m = SEMVER_RE.exec(v);
  if (!m) return undefined;
  const prerelease = m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease };
}

/** Pre-releases whose first identifier is `dev` (v1.2.3-dev.4): never routed in prod. */
export function isDevSemver(v: string): boolean {
  return parseSemver(v)?.prerelease[0] === 'dev';
}

/** SemVer 2.0 precedence (§11): negative when a < b, 0 when equal, positive when a > b. Throws on malformed input. */
export function compareSemver(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) throw new TypeError(`compareSemver: malformed semver ${!pa ? a : b}`);
  const core = pa.major - pb.major || pa.minor - pb.minor || pa.patch - pb.patch;
  if (core !== 0) return Math.sign(core);
  // A version without pre-release ranks above any pre-release of the same core.
  if (pa.prerelease.length === 0 || pb.prerelease.length === 0) {
    return Math.sign(pb.prerelease.length - pa.prerelease.length);
  }
  const n = Math.min(pa.prerelease.length, pb.prerelease.length);
  for (let i = 0; i < n; i++) {
    const x = pa.prerelease[i];
    const y = pb.prerelease[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return Math.sign(x - y);
    if (typeof x === 'number') return -1; // numeric identifiers rank below alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(pa.prerelease.length - pb.prerelease.length);
}
