import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import { errorResponseSchema } from '@lynx/schema';
import { startTestApp } from '../fixtures/test-app';
import { ReadinessRegistry } from '../health/readiness-registry';
import { testNamespace, type TestNamespace } from '../testing';

describe('platform HTTP: health, metrics, error shape', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  const inject = (opts: InjectOptions) => app.getHttpAdapter().getInstance().inject(opts);

  beforeAll(async () => {
    ns = testNamespace('http');
    app = await startTestApp({ env: ns.env, nats: true, redis: true, streams: ['inference'] });
  });
  afterAll(async () => {
    await app?.close();
    await ns.cleanup();
  });

  it('answers /healthz with 200', async () => {
    const res = await inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', app: 'gate', version: expect.any(String), started_at: expect.any(String) });
  });

  it('answers /readyz with 200 when NATS and Redis answer', async () => {
    const res = await inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json().info).toMatchObject({ nats: { status: 'up' }, redis: { status: 'up' } });
  });

  it('includes checks the app registers, and drops them again', async () => {
    const readiness = app.get(ReadinessRegistry);
    readiness.register('database', async () => {
      throw new Error('connection refused');
    });
    try {
      const res = await inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.details.error).toEqual({ database: { status: 'down', message: 'connection refused' } });
    } finally {
      readiness.unregister('database');
    }
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('exposes default process metrics and request counters on /metrics', async () => {
    await inject({ method: 'GET', url: '/t/open' });
    const res = await inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(/lynx_http_requests_total\{method="GET",route="\/t\/open",status="200",app="gate"\} [1-9]/);
  });

  it('maps a LynxError to its status, code and details', async () => {
    const res = await inject({ method: 'GET', url: '/t/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'conflict', message: 'alias moved meanwhile', details: { expected: 'a', actual: 'b' } } });
  });

  it('rejects an invalid body through the validation pipe with every issue', async () => {
    const res = await inject({ method: 'POST', url: '/t/echo', payload: { name: '', n: 1.5, extra: true } });
    expect(res.statusCode).toBe(400);
    const body = errorResponseSchema.parse(res.json());
    expect(body.error.code).toBe('validation_failed');
    const paths = (body.error.details as { issues: Array<{ path: string }> }).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['', 'n', 'name']);
  });

  it('maps a ZodError thrown by a handler to 400 validation_failed', async () => {
    const res = await inject({ method: 'POST', url: '/t/parse', payload: { name: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'n' }] } });
  });

  it('accepts a valid body', async () => {
    const res = await inject({ method: 'POST', url: '/t/echo', payload: { name: 'a', n: 2 } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'a', n: 2 });
  });

  it('answers 413 payload_too_large for a body over 1 MiB', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(1024 * 1024), n: 1 });
    const res = await inject({ method: 'POST', url: '/t/echo', payload, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('answers 400 bad_request for malformed JSON', async () => {
    const res = await inject({ method: 'POST', url: '/t/echo', payload: '{"name": "a",', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('answers 415 for an unsupported content type', async () => {
    const res = await inject({ method: 'POST', url: '/t/echo', payload: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('answers 404 not_found for an unknown route', async () => {
    const res = await inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('hides the message of an unexpected error behind 500 internal_error', async () => {
    const res = await inject({ method: 'GET', url: '/t/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
  });
});

describe('platform HTTP: readiness with dead dependencies', () => {
  it('answers /readyz 503 naming NATS and Redis when they do not answer, /healthz still 200', async () => {
    const ns = testNamespace('dead', { LYNX_NATS_URL: 'nats://127.0.0.1:1', LYNX_REDIS_URL: 'redis://127.0.0.1:1' });
    const app = await startTestApp({ env: ns.env, nats: true, redis: true });
    try {
      const fastify = app.getHttpAdapter().getInstance();
      expect((await fastify.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const res = await fastify.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.error.code).toBe('not_ready');
      expect(body.error.details.error).toMatchObject({ nats: { status: 'down' }, redis: { status: 'down' } });
    } finally {
      await app.close();
    }
  });
});
