import {
  AliasNotFoundError,
  ForbiddenError,
  LynxError,
  ModelNotFoundError,
  NotFoundError,
  UnauthorizedError,
  UpstreamUnavailableError,
  VersionNotFoundError,
  type ErrorCode,
} from '@lynx/schema';

// The one place where the registry's answers become errors: its `{error: {code, message, details}}`
// turns back into the named error of libs/schema, and the token errors say what to do next.

/** What to do about an error whose cause is the token, whoever the caller is. */
export const TOKEN_HINTS: Readonly<Record<'unauthorized' | 'forbidden', string>> = {
  unauthorized:
    'set LYNX_TOKEN to a token the service knows: `export LYNX_TOKEN=<token>`; an admin makes one with ' +
    '`lynx token create --role <role> --name <who>` (it writes the hash to the tokens file the services read, LYNX_TOKENS_FILE)',
  forbidden: 'use a token whose role allows this (reader < trainer < operator < gate < ci < admin): `export LYNX_TOKEN=<token>`',
};

/** Named errors whose code and status the registry answers with. */
const NAMED: Record<string, new (message: string, details?: unknown) => LynxError> = {
  unauthorized: UnauthorizedError,
  forbidden: ForbiddenError,
  not_found: NotFoundError,
  model_not_found: ModelNotFoundError,
  version_not_found: VersionNotFoundError,
  alias_not_found: AliasNotFoundError,
};

/** By status, when the answer is not in Lynx's error shape (a proxy, an old build). */
const BY_STATUS: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 503: 'not_ready' };

/** What the registry answered, and the next step, kept apart for callers that word errors their way. */
const parts = new WeakMap<LynxError, RegistryErrorParts>();

export interface RegistryErrorParts {
  /** The registry's message, without the hint. */
  message: string;
  hint?: string;
  /** The answer as the registry gave it (a 500 stays a 500 here, though the error says 502). */
  status?: number;
  code?: string;
  details?: unknown;
}

/** The parts of an error registryError made; any other error is its message alone. */
export function registryErrorParts(err: Error): RegistryErrorParts {
  return (err instanceof LynxError && parts.get(err)) || { message: err.message };
}

/**
 * An error answer (status >= 400, body as text) as a named error. Server failures other than 503
 * become UpstreamUnavailableError (502): the caller's own request was fine, the registry was not.
 */
export function registryError(status: number, text: string, what: string): LynxError {
  let e: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    e = (JSON.parse(text) as { error?: typeof e }).error ?? {};
  } catch {
    /* not JSON: keep the status and the text */
  }
  const said = typeof e.message === 'string' ? e.message : `${what}: the registry answered ${status} ${text.slice(0, 200)}`.trim();
  const code = typeof e.code === 'string' ? e.code : (BY_STATUS[status] ?? `http_${status}`);
  if (status >= 500 && status !== 503) {
    const failed = new UpstreamUnavailableError(`the registry failed on ${what}: ${status} ${said}`, { status, code, details: e.details });
    parts.set(failed, { message: said, status, code, details: e.details });
    return failed;
  }
  const hint = TOKEN_HINTS[code as keyof typeof TOKEN_HINTS];
  const message = hint ? `${said}\n  → ${hint}` : said;
  const Named = NAMED[code];
  const err = Named && new Named('', e.details).status === status ? new Named(message, e.details) : new LynxError(code as ErrorCode, message, status, e.details);
  parts.set(err, { message: said, hint, status, code, details: e.details });
  return err;
}

/** The registry did not answer at all (refused, reset, timed out). */
export function registryUnreachable(url: string, cause: unknown): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`cannot reach the registry at ${url} (${(cause as Error).message}); start it or set LYNX_REGISTRY_URL`, {
    registry: url,
    unreachable: true,
    cause: (cause as Error).message,
  });
}

/** True for the error registryUnreachable makes. */
export const isUnreachable = (err: unknown): boolean =>
  err instanceof UpstreamUnavailableError && (err.details as { unreachable?: boolean } | undefined)?.unreachable === true;
