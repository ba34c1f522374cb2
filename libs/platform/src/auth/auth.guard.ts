import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CiTokenDisabledError, ForbiddenError, UnauthorizedError, roleAtLeast, type Role } from '@lynx/schema';
import { LYNX_CONFIG } from '../config/config.constants';
import type { LynxConfig } from '../config/config';
import { PRINCIPAL_KEY, PUBLIC_KEY, ROLES_KEY, type Principal } from './auth.decorators';
import { looksLikeJwt, type OidcVerifier } from './oidc-verifier';
import type { TokenStore } from './token-store';

/** Nest provider token: the TokenStore, or null when auth is off (dev without a tokens file). */
export const TOKEN_STORE = 'LYNX_TOKEN_STORE';
/** Nest provider token: the OidcVerifier, or null when LYNX_OIDC_ISSUER is unset. */
export const OIDC_VERIFIER = 'LYNX_OIDC_VERIFIER';

const DEV_PRINCIPAL: Principal = { name: 'anonymous-dev', role: 'admin', via: 'dev' };

/**
 * Global guard: bearer token → principal; checks the role from @Roles (default reader). A bearer
 * that is a JWT is checked as a CI OIDC ID token when a trust policy is configured; any other
 * bearer must be in the tokens file. With LYNX_ENV=prod a tokens-file `ci` token is refused unless
 * LYNX_ALLOW_CI_TOKENS=true, so CI's identity is the workflow's, not a secret that can leak.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore | null,
    @Inject(OIDC_VERIFIER) private readonly oidc: OidcVerifier | null,
    @Inject(LYNX_CONFIG) private readonly config: LynxConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const need = this.reflector.getAllAndOverride<Role>(ROLES_KEY, targets) ?? 'reader';
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> } & Record<string, unknown>>();
    const principal = this.tokens ? await this.authenticate(req.headers.authorization) : DEV_PRINCIPAL;
    if (!roleAtLeast(principal.role, need)) {
      throw new ForbiddenError(`role ${need} required; ${principal.name} has ${principal.role}`, { required: need, role: principal.role });
    }
    req[PRINCIPAL_KEY] = principal;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) throw new UnauthorizedError('missing bearer token (Authorization: Bearer <token>)');
    const known = this.tokens!.authenticate(m[1]);
    if (known) {
      if (known.role === 'ci' && this.config.env === 'prod' && !this.config.allowCiTokens) {
        throw new CiTokenDisabledError(
          `long-lived ci tokens are off with LYNX_ENV=prod (${known.name}); CI presents its workflow's OIDC token, or set LYNX_ALLOW_CI_TOKENS=true`,
          { name: known.name },
        );
      }
      return { ...known, via: 'token' };
    }
    if (this.oidc && looksLikeJwt(m[1])) return this.oidc.verify(m[1]);
    throw new UnauthorizedError('unknown bearer token');
  }
}
