import { request } from 'node:http';
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { PlatformModule } from '../platform.module';
import { NatsService } from '../nats/nats.service';
import { testNamespace } from '../testing';
import { createLynxApp, listenLynxApp } from './create-app';

@Injectable()
class Gate {
  entered!: () => void;
  readonly inside = new Promise<void>((r) => (this.entered = r));
  release!: () => void;
  readonly released = new Promise<void>((r) => (this.release = r));
}

@Controller()
class SlowController {
  constructor(@Inject(Gate) private readonly gate: Gate) {}
  @Get('slow')
  async slow() {
    this.gate.entered();
    await this.gate.released;
    return { done: true };
  }
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('graceful shutdown', () => {
  it('finishes an in-flight request before closing, then drains NATS', async () => {
    const ns = testNamespace('shutdown');
    @Module({
      imports: [PlatformModule.forRoot({ app: 'router', env: ns.env, nats: true })],
      controllers: [SlowController],
      providers: [Gate],
    })
    class RootModule {}
    const app = await createLynxApp(RootModule, 'router');
    const url = await listenLynxApp(app, 0);
    const nats = app.get(NatsService);
    const nc = await nats.ready();
    const gate = app.get(Gate);

    const inFlight = get(`${url}/slow`);
    await gate.inside;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    // Release the handler only once close() has reached the HTTP server.
    while (app.getHttpServer().listening) await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    gate.release();
    const res = await inFlight;
    expect(res).toEqual({ status: 200, body: JSON.stringify({ done: true }) });
    await closing;
    expect(nc.isClosed()).toBe(true);
    await ns.cleanup();
  });
});
