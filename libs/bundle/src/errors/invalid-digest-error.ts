import { ERROR_CODES, LynxError } from '@lynx/schema';

/** A digest that is not `sha256:` followed by 64 lowercase hex digits. */
export class InvalidDigestError extends LynxError {
  constructor(readonly digest: unknown) {
    super(
      ERROR_CODES.invalidDigest,
      `invalid digest ${JSON.stringify(digest)}: expected "sha256:" followed by 64 lowercase hex digits`,
      400,
      { digest },
    );
  }
}
