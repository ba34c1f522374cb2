import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@lynx/schema';

/** Who made a request: the token's name and role. */
export interface Principal {
  name: string;
  role: Role;
  /** How the caller proved it: a tokens-file token, a verified OIDC ID token, or nothing (dev, auth off). */
  via?: 'token' | 'oidc' | 'dev';
}

export const ROLES_KEY = 'lynx:roles';
export const PUBLIC_KEY = 'lynx:public';
/** Property of the request where the guard puts the Principal. */
export const PRINCIPAL_KEY = 'lynxPrincipal';

/** Minimum role for a handler or controller; without it a route needs `reader`. */
export const Roles = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, role);

/** No token needed (health, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The authenticated principal ({name, role}); undefined only on @Public routes. */
export const Principal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined =>
    (ctx.switchToHttp().getRequest() as Record<string, unknown>)[PRINCIPAL_KEY] as Principal | undefined,
);
