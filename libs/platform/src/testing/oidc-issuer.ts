// A stand-in for GitHub Actions' OIDC issuer in tests: RSA keys generated per test run, their
// public halves served as a JWKS over HTTP on a free port, and tokens signed like the real ones.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWTPayload, type KeyLike } from 'jose';
import { createHmac } from 'node:crypto';

export const TEST_OIDC = {
  issuer: 'https://token.actions.githubusercontent.com',
  audience: 'lynx-registry',
  repository: 'lynx-org/lynx',
  workflowRef: 'lynx-org/lynx/.github/workflows/deploy-grammar-tutor.yml@refs/heads/main',
  environment: 'production',
} as const;

export interface TestOidcIssuer {
  jwksUrl: string;
  /** LYNX_OIDC_* for a registry that trusts this issuer's deploy workflow. */
  env: Record<string, string>;
  /** The claims of a trusted deploy run; `over` replaces or (undefined) removes claims. */
  claims(over?: Record<string, unknown>): JWTPayload;
  /** An RS256 token signed by the published key (or `unpublished`, a key the JWKS does not hold). */
  sign(claims: JWTPayload, opts?: { key?: 'published' | 'unpublished' }): Promise<string>;
  /** The hostile tokens of the trust model, each with the code it must get. */
  hostile(): Promise<Array<{ name: string; token: string; code: string }>>;
  close(): Promise<void>;
}

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export async function startTestOidcIssuer(): Promise<TestOidcIssuer> {
  const published = await generateKeyPair('RS256', { extractable: true });
  const unpublished = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'lynx-test-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks`;
  const now = () => Math.floor(Date.now() / 1000);

  const claims: TestOidcIssuer['claims'] = (over = {}) => {
    const base: Record<string, unknown> = {
      iss: TEST_OIDC.issuer,
      aud: TEST_OIDC.audience,
      sub: `repo:${TEST_OIDC.repository}:environment:${TEST_OIDC.environment}`,
      iat: now() - 5,
      nbf: now() - 5,
      exp: now() + 300,
      repository: TEST_OIDC.repository,
      repository_owner: TEST_OIDC.repository.split('/')[0],
      ref: 'refs/heads/main',
      ref_type: 'branch',
      event_name: 'pull_request_target',
      job_workflow_ref: TEST_OIDC.workflowRef,
      workflow_ref: TEST_OIDC.workflowRef,
      environment: TEST_OIDC.environment,
      run_id: '4242',
    };
    for (const [k, v] of Object.entries(over)) {
      if (v === undefined) delete base[k];
      else base[k] = v;
    }
    return base as JWTPayload;
  };
  const sign: TestOidcIssuer['sign'] = (c, opts = {}) => {
    const key: KeyLike = opts.key === 'unpublished' ? unpublished.privateKey : published.privateKey;
    const kid = opts.key === 'unpublished' ? 'lynx-test-unknown' : jwk.kid;
    return new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  };

  return {
    jwksUrl,
    env: {
      LYNX_OIDC_ISSUER: TEST_OIDC.issuer,
      LYNX_OIDC_AUDIENCE: TEST_OIDC.audience,
      LYNX_OIDC_JWKS_URL: jwksUrl,
      LYNX_OIDC_REPOSITORY: TEST_OIDC.repository,
      LYNX_OIDC_WORKFLOW_REF: TEST_OIDC.workflowRef,
      LYNX_OIDC_ENVIRONMENT: TEST_OIDC.environment,
    },
    claims,
    sign,
    async hostile() {
      const pem = await exportSPKI(published.publicKey);
      // The classic key-confusion attack: HS256 "signed" with the RSA public key as the HMAC secret.
      const hsHeader = b64url({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' });
      const hsBody = b64url(claims());
      const hsSig = createHmac('sha256', pem).update(`${hsHeader}.${hsBody}`).digest('base64url');
      const forkOwner = 'evil-fork';
      return [
        { name: 'wrong issuer', token: await sign(claims({ iss: 'https://evil.example' })), code: 'oidc_wrong_issuer' },
        { name: 'wrong audience', token: await sign(claims({ aud: 'someone-else' })), code: 'oidc_wrong_audience' },
        { name: 'expired', token: await sign(claims({ iat: now() - 3600, nbf: now() - 3600, exp: now() - 600 })), code: 'oidc_expired' },
        { name: 'not yet valid', token: await sign(claims({ nbf: now() + 600, exp: now() + 1200 })), code: 'oidc_not_yet_valid' },
        { name: 'alg none', token: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`, code: 'oidc_unsigned_token' },
        { name: 'HS256 with the public key', token: `${hsHeader}.${hsBody}.${hsSig}`, code: 'oidc_algorithm_refused' },
        { name: 'unknown kid', token: await sign(claims(), { key: 'unpublished' }), code: 'oidc_unknown_key' },
        {
          name: "a fork's pull_request workflow",
          token: await sign(claims({ event_name: 'pull_request', ref: 'refs/pull/7/merge', job_workflow_ref: `${TEST_OIDC.repository}/.github/workflows/deploy-grammar-tutor.yml@refs/pull/7/merge` })),
          code: 'oidc_pull_request_refused',
        },
        {
          name: 'another owner',
          token: await sign(claims({ repository: `${forkOwner}/lynx`, repository_owner: forkOwner, job_workflow_ref: `${forkOwner}/lynx/.github/workflows/deploy-grammar-tutor.yml@refs/heads/main` })),
          code: 'oidc_repository_mismatch',
        },
        {
          name: 'a non-default branch',
          token: await sign(claims({ event_name: 'push', ref: 'refs/heads/feature', job_workflow_ref: `${TEST_OIDC.repository}/.github/workflows/deploy-grammar-tutor.yml@refs/heads/feature` })),
          code: 'oidc_not_default_branch',
        },
        { name: 'another workflow', token: await sign(claims({ job_workflow_ref: `${TEST_OIDC.repository}/.github/workflows/ci.yml@refs/heads/main` })), code: 'oidc_workflow_mismatch' },
        { name: 'another environment', token: await sign(claims({ environment: 'staging' })), code: 'oidc_environment_mismatch' },
        { name: 'tampered payload', token: (await sign(claims())).replace(/\.[^.]+\./, `.${b64url(claims({ repository: TEST_OIDC.repository, run_id: '1' }))}.`), code: 'oidc_bad_signature' },
      ];
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
