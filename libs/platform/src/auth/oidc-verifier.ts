import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { ERROR_CODES, OidcTokenRejectedError, type ErrorCode } from '@lynx/schema';
import type { OidcConfig } from '../config/config';
import type { Principal } from './auth.decorators';

/** GitHub Actions' OIDC claims that the trust policy reads (docs: "About security hardening with OpenID Connect"). */
interface ActionsClaims extends JWTPayload {
  repository?: string;
  repository_owner?: string;
  ref?: string;
  event_name?: string;
  job_workflow_ref?: string;
  environment?: string;
  run_id?: string;
}

/** Three base64url segments: a JWS compact serialization (the signature may be empty for alg none). */
const JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(token: string): boolean {
  return JWT_RE.test(token);
}

const reject = (code: ErrorCode, message: string, details?: unknown) => new OidcTokenRejectedError(code, message, details);

/**
 * Verifies GitHub Actions OIDC ID tokens and maps a trusted one to role `ci`, as PyPI's trusted
 * publishing does: RS256 only (never `none`, never an HMAC keyed with the public key), the key
 * from the issuer's JWKS by `kid`, issuer, audience, exp/nbf, then the trust policy: repository,
 * no pull_request event (a fork's code), the deploy workflow file on the default branch, and the
 * deployment environment. Each refusal has its own error code.
 */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly workflowPath: string;
  private readonly defaultRef: string;

  constructor(private readonly policy: OidcConfig) {
    this.jwks = createRemoteJWKSet(new URL(policy.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    const at = policy.workflowRef.lastIndexOf('@');
    this.workflowPath = policy.workflowRef.slice(0, at);
    this.defaultRef = policy.workflowRef.slice(at + 1);
  }

  async verify(token: string): Promise<Principal> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw reject(ERROR_CODES.oidcInvalidToken, 'the bearer token is not a well-formed JWT');
    }
    if (!alg || alg.toLowerCase() === 'none') throw reject(ERROR_CODES.oidcUnsignedToken, 'unsigned OIDC token (alg none) refused');
    if (alg !== 'RS256') throw reject(ERROR_CODES.oidcAlgorithmRefused, `OIDC token algorithm ${alg} refused; only RS256 is accepted`, { alg });
    const claims = await this.verifySignature(token);
    this.checkPolicy(claims);
    return { name: `oidc:${claims.repository}@${claims.run_id ?? claims.sub ?? 'run'}`, role: 'ci', via: 'oidc' };
  }

  private async verifySignature(token: string): Promise<ActionsClaims> {
    try {
      const { payload } = await jwtVerify<ActionsClaims>(token, this.jwks, {
        issuer: this.policy.issuer,
        audience: this.policy.audience,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat'],
      });
      return payload;
    } catch (err) {
      throw this.mapJoseError(err);
    }
  }

  private mapJoseError(err: unknown): Error {
    if (err instanceof errors.JWTExpired) return reject(ERROR_CODES.oidcExpired, 'OIDC token expired; request a fresh one in the workflow run');
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'iss') return reject(ERROR_CODES.oidcWrongIssuer, `OIDC token issuer is not ${this.policy.issuer}`);
      if (err.claim === 'aud') return reject(ERROR_CODES.oidcWrongAudience, `OIDC token audience is not ${this.policy.audience}; request the token with that audience`);
      if (err.claim === 'nbf' || err.claim === 'iat') return reject(ERROR_CODES.oidcNotYetValid, 'OIDC token is not yet valid (nbf/iat in the future); check the clocks');
      return reject(ERROR_CODES.oidcInvalidToken, `OIDC token claim ${err.claim} invalid: ${err.reason}`);
    }
    if (err instanceof errors.JWKSNoMatchingKey) return reject(ERROR_CODES.oidcUnknownKey, 'OIDC token signed with a key (kid) the issuer does not publish');
    if (err instanceof errors.JOSEAlgNotAllowed) return reject(ERROR_CODES.oidcAlgorithmRefused, 'OIDC token algorithm refused; only RS256 is accepted');
    if (err instanceof errors.JWSSignatureVerificationFailed) return reject(ERROR_CODES.oidcBadSignature, 'OIDC token signature does not verify');
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof Error && !(err instanceof errors.JOSEError))) {
      return reject(ERROR_CODES.oidcJwksUnavailable, `cannot read the issuer's keys (${this.policy.jwksUrl}); retry later`);
    }
    return reject(ERROR_CODES.oidcInvalidToken, `OIDC token invalid: ${(err as Error).message}`);
  }

  private checkPolicy(c: ActionsClaims): void {
    const owner = this.policy.repository.split('/')[0];
    if (c.repository !== this.policy.repository || (c.repository_owner !== undefined && c.repository_owner !== owner)) {
      throw reject(ERROR_CODES.oidcRepositoryMismatch, `OIDC token is from ${c.repository ?? 'no repository'}, not ${this.policy.repository}`, {
        repository: c.repository ?? null,
        repository_owner: c.repository_owner ?? null,
      });
    }
    // A `pull_request` run executes the PR's code (a fork's, possibly): never a CI identity.
    if (c.event_name === 'pull_request' || c.ref?.startsWith('refs/pull/')) {
      throw reject(ERROR_CODES.oidcPullRequestRefused, 'OIDC token from a pull_request run (PR code) refused; deploy from the default branch workflow', {
        event_name: c.event_name ?? null,
        ref: c.ref ?? null,
      });
    }
    const jobRef = c.job_workflow_ref ?? '';
    const at = jobRef.lastIndexOf('@');
    const path = at < 0 ? jobRef : jobRef.slice(0, at);
    const ref = at < 0 ? '' : jobRef.slice(at + 1);
    if (path !== this.workflowPath) {
      throw reject(ERROR_CODES.oidcWorkflowMismatch, `OIDC token is from workflow ${jobRef || 'none'}, not ${this.policy.workflowRef}`, { job_workflow_ref: jobRef || null });
    }
    if (ref !== this.defaultRef || c.ref !== this.defaultRef) {
      throw reject(ERROR_CODES.oidcNotDefaultBranch, `OIDC token is from ${c.ref ?? 'no ref'} (workflow at ${ref || 'no ref'}); only ${this.defaultRef} deploys`, {
        ref: c.ref ?? null,
        job_workflow_ref: jobRef,
      });
    }
    if (this.policy.environment !== undefined && c.environment !== this.policy.environment) {
      throw reject(ERROR_CODES.oidcEnvironmentMismatch, `OIDC token is for environment ${c.environment ?? 'none'}, not ${this.policy.environment}`, {
        environment: c.environment ?? null,
      });
    }
  }
}
