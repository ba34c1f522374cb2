import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** An upstream URL whose host:port is not on the operator's allowlist (LYNX_UPSTREAM_ALLOWED_HOSTS). */
export class UpstreamNotAllowedError extends LynxError {
  constructor(url: string, allowed: readonly string[]) {
    super(
      ERROR_CODES.upstreamNotAllowed,
      `upstream ${JSON.stringify(url)} is not on the allowed hosts (${allowed.join(', ') || 'none'}); an operator adds it to LYNX_UPSTREAM_ALLOWED_HOSTS or lynx.upstreams.yaml`,
      400,
      { url, allowed },
    );
  }
}
