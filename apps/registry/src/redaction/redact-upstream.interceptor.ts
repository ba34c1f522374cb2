import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { PRINCIPAL_KEY, type Principal } from '@lynx/platform';
import { hidesUpstreams, redactUpstreams } from './redact-upstream';

/**
 * Every registry answer passes here: below operator, `upstream.*` values are hidden (readers and
 * trainers must not learn internal URLs). Global rather than per route, so a new read route that
 * returns tags cannot forget it.
 */
@Injectable()
export class RedactUpstreamsInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const principal = (ctx.switchToHttp().getRequest() as Record<string, unknown>)[PRINCIPAL_KEY] as Principal | undefined;
    if (!hidesUpstreams(principal?.role)) return next.handle();
    return next.handle().pipe(map((body) => redactUpstreams(body)));
  }
}
