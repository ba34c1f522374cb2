import { InvalidDigestError } from './errors';

/** The only digest form Lynx accepts: algorithm prefix, then lowercase hex (as OCI digests). */
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export interface ParsedDigest {
  algorithm: 'sha256';
  hex: string;
}

/** True for `sha256:` + 64 lowercase hex digits. Uppercase hex is refused so one content has one spelling. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

/** Splits a digest into algorithm and hex; throws InvalidDigestError (400, `invalid_digest`) otherwise. */
export function parseDigest(value: unknown): ParsedDigest {
  if (!isDigest(value)) throw new InvalidDigestError(value);
  return { algorithm: 'sha256', hex: value.slice('sha256:'.length) };
}

