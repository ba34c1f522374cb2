import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError, ValidationError } from '@lynx/schema';
import { SessionStore, sessionIdFrom, type Session } from './session.store';

export const SESSION_KEY = 'lynxConsoleSession';

/** Header every state-changing console call carries: a cross-site form cannot set it (CSRF). */
export const CONSOLE_HEADER = 'x-lynx-console';

/** Console API routes need a signed-in session; changes also need the console's own header. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(@Inject(SessionStore) private readonly sessions: SessionStore) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ method: string; headers: Record<string, string | undefined> } & Record<string, unknown>>();
    const session = this.sessions.get(sessionIdFrom(req.headers.cookie));
    if (!session) throw new UnauthorizedError('not signed in: open the console and enter your Lynx token');
    if (req.method !== 'GET' && req.headers[CONSOLE_HEADER] !== '1') {
      throw new ValidationError(`changes need the ${CONSOLE_HEADER}: 1 header (sent by the console's pages)`);
    }
    req[SESSION_KEY] = session;
    return true;
  }
}

export function sessionOf(req: Record<string, unknown>): Session {
  return req[SESSION_KEY] as Session;
}
