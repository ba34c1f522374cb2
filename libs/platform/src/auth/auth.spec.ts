import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@lynx/schema';
import { startTestApp } from '../fixtures/test-app';
import { makeTempDir, testNamespace, writeTokensFile } from '../testing';
import { TokenStore } from './token-store';

describe('auth guard with a tokens file', () => {
  let app: NestFastifyApplication;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const get = (url: string, token?: string) =>
    app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const post = (url: string, token?: string) =>
    app.getHttpAdapter().getInstance().inject({ method: 'POST', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    tmp = await makeTempDir();
    const tokensFile = await writeTokensFile(tmp.dir, [
      { token: 'reader-secret', role: 'reader', name: 'dashboard' },
      { token: 'operator-secret', role: 'operator', name: 'oncall' },
      { token: 'admin-secret', role: 'admin', name: 'root' },
    ]);
    app = await startTestApp({ env: testNamespace('auth', { LYNX_TOKENS_FILE: tokensFile }).env });
  });
  afterAll(async () => {
    await app?.close();
    await tmp.cleanup();
  });

  it('answers 401 without a token', async () => {
    const res = await get('/t/read');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('answers 401 for an unknown token or a non-bearer scheme', async () => {
    expect((await get('/t/read', 'guess')).statusCode).toBe(401);
    const basic = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/t/read', headers: { authorization: 'Basic cmVhZGVyLXNlY3JldA==' } });
    expect(basic.statusCode).toBe(401);
  });

  it('lets a reader read and attaches the principal', async () => {
    const res = await get('/t/read', 'reader-secret');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'dashboard', role: 'reader', via: 'token' });
  });

  it('answers 403 when the role is too weak', async () => {
    const res = await post('/t/operate', 'reader-secret');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'forbidden', details: { required: 'operator', role: 'reader' } });
  });

  it('accepts the required role and any higher one', async () => {
    expect((await post('/t/operate', 'operator-secret')).json()).toEqual({ name: 'oncall', role: 'operator', via: 'token' });
    expect((await post('/t/operate', 'admin-secret')).statusCode).toBe(201);
  });

  it('leaves @Public routes and the probes open', async () => {
    expect((await get('/t/open')).statusCode).toBe(200);
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/metrics')).statusCode).toBe(200);
  });
});

describe('auth guard without a tokens file in dev', () => {
  it('treats every caller as admin', async () => {
    const app = await startTestApp({ env: testNamespace('dev', { LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'silent' }).env });
    try {
      const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/t/operate' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ name: 'anonymous-dev', role: 'admin', via: 'dev' });
    } finally {
      await app.close();
    }
  });
});

describe('TokenStore', () => {
  it('rejects a tokens file that is not valid, naming LYNX_TOKENS_FILE', async () => {
    const tmp = await makeTempDir();
    try {
      const { writeFile } = await import('node:fs/promises');
      const bad = `${tmp.dir}/bad.json`;
      await writeFile(bad, JSON.stringify({ tokens: [{ sha256: 'XYZ', role: 'root', name: 'x' }] }));
      expect(() => TokenStore.fromFile(bad)).toThrow(ConfigError);
      expect(() => TokenStore.fromFile(bad)).toThrow(/LYNX_TOKENS_FILE.*tokens\.0\.sha256.*tokens\.0\.role/);
      await writeFile(bad, '{not json');
      expect(() => TokenStore.fromFile(bad)).toThrow(/LYNX_TOKENS_FILE.*not JSON/);
      expect(() => TokenStore.fromFile(`${tmp.dir}/missing.json`)).toThrow(/LYNX_TOKENS_FILE: cannot read/);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('start in prod', () => {
  it('refuses to start without a tokens file', async () => {
    await expect(startTestApp({ env: { LYNX_ENV: 'prod', LYNX_LOG_LEVEL: 'silent' } })).rejects.toThrow(
      /LYNX_TOKENS_FILE: required when LYNX_ENV=prod/,
    );
  });
});
