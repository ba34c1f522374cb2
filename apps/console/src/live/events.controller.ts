import { Controller, Get, Inject, Query, Req, Res, UseGuards, type BeforeApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@lynx/platform';
import { SessionGuard } from '../session/session.guard';
import { LiveStats } from './live-stats';

/**
 * GET /api/events?model=… — server-sent events for the Models and Traffic pages: `change` (at most
 * once a second) when the model served a request or its plan or aliases moved, with the arms'
 * live figures; the page refetches what it shows. A comment every 15 s keeps proxies from closing it.
 */
@Public()
@UseGuards(SessionGuard)
@Controller('api/events')
export class EventsController implements BeforeApplicationShutdown {
  /** Open streams, ended at shutdown so the server's close does not wait on them. */
  private readonly open = new Set<() => void>();

  constructor(@Inject(LiveStats) private readonly live: LiveStats) {}

  beforeApplicationShutdown(): void {
    for (const end of this.open) end();
  }

  @Get()
  events(@Req() _req: unknown, @Res() reply: FastifyReply, @Query('model') model?: string) {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    const dirty = new Set<string>();
    const onChange = (m: string) => {
      if (!model || m === model) dirty.add(m);
    };
    this.live.on('change', onChange);
    const tick = setInterval(() => {
      for (const m of dirty) res.write(`event: change\ndata: ${JSON.stringify({ model: m, arms: this.live.armStats(m) })}\n\n`);
      dirty.clear();
    }, 1000);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    const close = () => {
      clearInterval(tick);
      clearInterval(ping);
      this.live.off('change', onChange);
      this.open.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    this.open.add(end);
    res.on('close', close);
  }
}
