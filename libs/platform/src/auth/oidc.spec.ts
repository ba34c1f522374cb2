import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@lynx/schema';
import { loadConfig } from '../config/config';
import { startTestApp } from '../fixtures/test-app';
import { makeTempDir, startTestOidcIssuer, testNamespace, writeTokensFile, type TestOidcIssuer } from '../testing';

// CI's identity by GitHub Actions OIDC: a local issuer (keys generated here, JWKS over HTTP) and
// the real guard in a real app.
describe('auth guard with OIDC ID tokens', () => {
  let issuer: TestOidcIssuer;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let tokensFile: string;
  const apps: NestFastifyApplication[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ env: testNamespace('oidc', { LYNX_TOKENS_FILE: tokensFile, ...issuer.env, ...env }).env });
    apps.push(app);
    return (token: string) =>
      app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/t/read', headers: { authorization: `Bearer ${token}` } });
  };

  beforeAll(async () => {
    [issuer, tmp] = await Promise.all([startTestOidcIssuer(), makeTempDir()]);
    tokensFile = await writeTokensFile(tmp.dir, [
      { token: 'ci-secret', role: 'ci', name: 'old-ci-bot' },
      { token: 'reader-secret', role: 'reader', name: 'dashboard' },
    ]);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await issuer?.close();
    await tmp?.cleanup();
  });

  it('maps a token of the deploy workflow on the default branch to role ci', async () => {
    const get = await start({ LYNX_ENV: 'prod' });
    const res = await get(await issuer.sign(issuer.claims()));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'oidc:lynx-org/lynx@4242', role: 'ci', via: 'oidc' });
    // No environment in the policy: any environment of that workflow is accepted.
    const open = await start({ LYNX_OIDC_ENVIRONMENT: '' });
    expect((await open(await issuer.sign(issuer.claims({ environment: undefined })))).json()).toMatchObject({ role: 'ci', via: 'oidc' });
  });

  it('refuses every hostile token with 401 and its own code', async () => {
    const get = await start({ LYNX_ENV: 'prod' });
    const hostile = await issuer.hostile();
    const seen = [];
    for (const h of hostile) {
      const res = await get(h.token);
      seen.push([h.name, res.statusCode, res.json().error.code]);
    }
    expect(seen).toEqual(hostile.map((h) => [h.name, 401, h.code]));
    expect(new Set(hostile.map((h) => h.code)).size).toBe(hostile.length);
  });

  it('refuses long-lived ci tokens with LYNX_ENV=prod unless LYNX_ALLOW_CI_TOKENS=true; other roles keep theirs', async () => {
    const prod = await start({ LYNX_ENV: 'prod' });
    const refused = await prod('ci-secret');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({ code: 'ci_token_disabled', message: expect.stringMatching(/OIDC/) });
    expect((await prod('reader-secret')).statusCode).toBe(200);
    const allowed = await start({ LYNX_ENV: 'prod', LYNX_ALLOW_CI_TOKENS: 'true' });
    expect((await allowed('ci-secret')).json()).toEqual({ name: 'old-ci-bot', role: 'ci', via: 'token' });
    const dev = await start({ LYNX_ENV: 'dev' });
    expect((await dev('ci-secret')).statusCode).toBe(200);
  });

  it('treats a JWT as an unknown token when no OIDC policy is configured', async () => {
    const get = await start({ LYNX_OIDC_ISSUER: '' });
    const res = await get(await issuer.sign(issuer.claims()));
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'unauthorized']);
  });

  it('refuses a half-configured trust policy at start, naming the variables', () => {
    expect(() => loadConfig('registry', { LYNX_OIDC_ISSUER: 'https://token.actions.githubusercontent.com' })).toThrow(ConfigError);
    expect(() => loadConfig('registry', { LYNX_OIDC_ISSUER: 'https://token.actions.githubusercontent.com' })).toThrow(
      /LYNX_OIDC_AUDIENCE, LYNX_OIDC_REPOSITORY, LYNX_OIDC_WORKFLOW_REF: required/,
    );
    expect(() => loadConfig('registry', { ...issuer.env, LYNX_OIDC_WORKFLOW_REF: 'lynx-org/lynx/.github/workflows/deploy.yml@refs/pull/1/merge' })).toThrow(
      /LYNX_OIDC_WORKFLOW_REF/,
    );
    expect(loadConfig('registry', issuer.env).oidc).toMatchObject({ jwksUrl: issuer.jwksUrl, environment: 'production' });
  });
});
