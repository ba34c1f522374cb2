import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError, roleAtLeast, type Role } from '@lynx/schema';
import { PRINCIPAL_KEY, PUBLIC_KEY, ROLES_KEY, type Principal } from './auth.decorators';
import type { TokenStore } from './token-store';

/** Nest provider token: the TokenStore, or null when auth is off (dev without a tokens file). */
export const TOKEN_STORE = 'LYNX_TOKEN_STORE';

const DEV_PRINCIPAL: Principal = { name: 'anonymous-dev', role: 'admin' };

/** Global guard: bearer token → principal; checks the role from @Roles (default reader). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore | null,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const need = this.reflector.getAllAndOverride<Role>(ROLES_KEY, targets) ?? 'reader';
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> } & Record<string, unknown>>();
    const principal = this.tokens ? this.authenticate(req.headers.authorization) : DEV_PRINCIPAL;
    if (!roleAtLeast(principal.role, need)) {
      throw new ForbiddenError(`role ${need} required; ${principal.name} has ${principal.role}`, { required: need, role: principal.role });
    }
    req[PRINCIPAL_KEY] = principal;
    return true;
  }

  private authenticate(header: string | undefined): Principal {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) throw new UnauthorizedError('missing bearer token (Authorization: Bearer <token>)');
    const principal = this.tokens!.authenticate(m[1]);
    if (!principal) throw new UnauthorizedError('unknown bearer token');
    return principal;
  }
}
