// Stable error codes of the one error shape {error: {code, message, details}}.
// Clients match on these; never rename one, only add.
export const ERROR_CODES = {
  badRequest: 'bad_request',
  validationFailed: 'validation_failed',
  unsafePath: 'unsafe_path',
  invalidDigest: 'invalid_digest',
  digestMismatch: 'digest_mismatch',
  missingBlobs: 'missing_blobs',
  payloadTooLarge: 'payload_too_large',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  modelNotFound: 'model_not_found',
  versionNotFound: 'version_not_found',
  aliasNotFound: 'alias_not_found',
  ambiguousReference: 'ambiguous_reference',
  aliasConflict: 'alias_conflict',
  protectedAlias: 'protected_alias',
  invalidSemver: 'invalid_semver',
  semverConflict: 'semver_conflict',
  verdictRequired: 'verdict_required',
  rollbackTargetInvalid: 'rollback_target_invalid',
  conflict: 'conflict',
  upstreamUnavailable: 'upstream_unavailable',
  upstreamTimeout: 'upstream_timeout',
  notReady: 'not_ready',
  internal: 'internal_error',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
