import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Public, ZodValidationPipe, type TokenStore } from '@lynx/platform';
import { UnauthorizedError } from '@lynx/schema';
import { CONSOLE_TOKENS, SESSION_COOKIE, SessionStore, sessionIdFrom } from './session.store';

const signInSchema = z.strictObject({ token: z.string().trim().min(1).max(4096) });

/**
 * Sign-in: the token is checked against the same tokens file the services read (LYNX_TOKENS_FILE),
 * which also gives the role the pages use to hide controls. The services still check every call.
 */
@Public()
@Controller('api/session')
export class SessionController {
  constructor(
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(CONSOLE_TOKENS) private readonly tokens: TokenStore | null,
  ) {}

  @Post()
  @HttpCode(200)
  signIn(@Body(new ZodValidationPipe(signInSchema)) body: z.infer<typeof signInSchema>, @Res({ passthrough: true }) reply: FastifyReply) {
    const principal = this.tokens ? this.tokens.authenticate(body.token) : { name: 'anonymous-dev', role: 'admin' as const };
    if (!principal) throw new UnauthorizedError('unknown token: check it with whoever runs Lynx (the tokens file lists its hash)');
    const session = this.sessions.create(body.token, principal);
    void reply.header('set-cookie', `${SESSION_COOKIE}=${session.id}; HttpOnly; SameSite=Strict; Path=/`);
    return { name: principal.name, role: principal.role };
  }

  @Get()
  whoami(@Req() req: FastifyRequest) {
    const s = this.sessions.get(sessionIdFrom(req.headers.cookie));
    if (!s) throw new UnauthorizedError('not signed in: enter your Lynx token');
    return { name: s.principal.name, role: s.principal.role };
  }

  @Delete()
  @HttpCode(204)
  signOut(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.sessions.delete(sessionIdFrom(req.headers.cookie));
    void reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
  }
}
