import { LynxError } from '@lynx/schema';
import { RegistryClient as Client, isUnreachable, registryErrorParts } from '@lynx/registry-client';
import { serviceCliError, unreachableCliError } from './error-hints';
import { CliError, EXIT } from './exit';

/** The registry's error as the user sees it: code, message, details and what to do next. */
export function registryCliError(code: string, message: string, details?: unknown, status = 400): CliError {
  return serviceCliError('registry', status, code.startsWith('http_') ? undefined : code, message, details);
}

/** A registry client error in the CLI's words (error-hints adds the next step). */
export function registryErrorForUser(err: LynxError): CliError {
  if (isUnreachable(err)) {
    const d = err.details as { registry: string; cause: string };
    return unreachableCliError('registry', d.registry, 'LYNX_REGISTRY_URL', new Error(d.cause));
  }
  // What the registry said (a failing one keeps its own code and status), as the user reads it.
  const said = registryErrorParts(err);
  return registryCliError(said.code ?? err.code, said.message, said.details ?? err.details, said.status ?? err.status);
}

/** The registry client as the CLI uses it (LYNX_REGISTRY_URL, LYNX_TOKEN): no timeouts, errors for the user. */
export class RegistryClient extends Client {
  constructor(url?: string, token?: string) {
    super({ url, token, timeoutMs: 0, mapError: registryErrorForUser });
  }
}

/** `model@ref` → parts; ref defaults to `production`. */
export function parseModelRef(text: string): { model: string; ref: string } {
  const at = text.indexOf('@');
  if (at === 0) throw new CliError(`expected <model>@<ref>, got ${JSON.stringify(text)}`, EXIT.error);
  return at < 0 ? { model: text, ref: 'production' } : { model: text.slice(0, at), ref: text.slice(at + 1) };
}

/** Errors that reached the CLI from elsewhere (e.g. @lynx/bundle) in the same words. */
export function forUser(err: unknown): never {
  if (err instanceof CliError) throw err;
  if (err instanceof LynxError) throw registryErrorForUser(err);
  throw err;
}
