import { randomBytes } from 'node:crypto';
import type { Principal } from '@lynx/platform';

export interface Session {
  id: string;
  /** The bearer token the user entered; sent to the services, never to the browser again. */
  token: string | null;
  principal: Principal;
  lastUsed: number;
}

export const SESSION_COOKIE = 'lynx_console_session';

/** The tokens file the services read (LYNX_TOKENS_FILE), or null when auth is off (dev). */
export const CONSOLE_TOKENS = 'LYNX_CONSOLE_TOKENS';

/**
 * Signed-in users, in memory: the browser holds only a random id in an HttpOnly cookie, so the
 * token never reaches page scripts, URLs or logs. A restart signs everyone out, which is the
 * price of keeping tokens off disk.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly idleMs: number, private readonly now: () => number = Date.now) {}

  create(token: string | null, principal: Principal): Session {
    this.sweep();
    const session = { id: randomBytes(24).toString('base64url'), token, principal, lastUsed: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastUsed > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastUsed = this.now();
    return s;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t - s.lastUsed > this.idleMs) this.sessions.delete(id);
  }
}

/** The session id from a Cookie header. */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}
