import { uniqueName } from '@lynx/platform/testing';
import { sha, startRegistry, type RegistryFixture } from './registry.fixture';

// Each hostile input gets its status and stable code, and leaves no version behind.
describe('registry HTTP: bad input', () => {
  let r: RegistryFixture;
  const model = uniqueName('bad');
  const content = 'weights';
  beforeAll(async () => {
    r = await startRegistry();
    await r.push(model, { 'w.bin': content });
  });
  afterAll(async () => {
    await r?.close();
  });

  const register = (files: unknown, extra: Record<string, unknown> = {}) =>
    r.inject({ method: 'POST', url: `/v1/models/${model}/versions`, payload: { manifest: { files }, lineage: { data: [] }, ...extra } });
  const file = (path: string) => ({ path, size: content.length, digest: sha(content) });
  const versionCount = async () => (await r.inject({ method: 'GET', url: `/v1/models/${model}/versions` })).json().items.length;

  it.each(['../x', '/etc/passwd', 'a/../../b', 'a\\..\\b', '%2e%2e/x', 'a//b', './a', 'a\u0000b', ''])(
    'refuses the manifest path %j',
    async (path) => {
      const res = await register([file(path)]);
      expect(res.statusCode).toBe(400);
      expect(['unsafe_path', 'validation_failed', 'nul_byte']).toContain(res.json().error.code);
      expect(await versionCount()).toBe(1);
    },
  );

  it('refuses duplicate paths', async () => {
    const res = await register([file('a'), file('a')]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('duplicate_path');
  });

  it('refuses malformed and uppercase digests in a manifest', async () => {
    for (const digest of ['sha256:abc', `sha256:${'A'.repeat(64)}`, 'weights']) {
      const res = await register([{ path: 'w.bin', size: 7, digest }]);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
  });

  it('lists missing blobs and stores nothing', async () => {
    const res = await register([file('w.bin'), { path: 'other.bin', size: 3, digest: sha('not uploaded') }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'missing_blobs', details: { missing: [{ path: 'other.bin', digest: sha('not uploaded') }] } });
    expect(await versionCount()).toBe(1);
  });

  it('refuses a manifest size that does not match the blob', async () => {
    const res = await register([{ ...file('w.bin'), size: 999 }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('refuses unknown fields and wrong types', async () => {
    expect((await register([file('w.bin')], { owner: 'mallory' })).json().error.code).toBe('validation_failed');
    const wrong = await r.inject({ method: 'POST', url: `/v1/models/${model}/versions`, payload: { manifest: { files: 'all' }, lineage: {} } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('validation_failed');
    const json = await r.inject({ method: 'POST', url: `/v1/models/${model}/versions`, headers: { 'content-type': 'application/json' }, payload: '{"manifest":' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('bad_request');
  });

  it('refuses a JSON body over 1 MiB with 413', async () => {
    const res = await register([file('w.bin')], { description: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('refuses a bad model name', async () => {
    const res = await r.inject({ method: 'POST', url: '/v1/models/Bad%20Name/versions', payload: { manifest: { files: [file('w.bin')] }, lineage: { data: [] } } });
    expect(res.statusCode).toBe(400);
  });

  it('answers 404 for unknown model, digest and alias; 400 for a malformed ref', async () => {
    expect((await r.inject({ method: 'GET', url: '/v1/models/ghost/versions' })).json().error.code).toBe('model_not_found');
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/${sha('nope')}` })).json().error.code).toBe('version_not_found');
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/nightly` })).json().error.code).toBe('alias_not_found');
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/nightly` })).statusCode).toBe(404);
    // Two bundles whose digests share 12 hex cannot be made from content; the store contract
    // suite covers ambiguous_reference (409) with constructed digests. A malformed ref is a 400.
    const malformed = await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/${encodeURIComponent('ABC!')}` });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('validation_failed');
  });

  it('refuses a bad or duplicate semver', async () => {
    const digest = (await r.inject({ method: 'GET', url: `/v1/models/${model}/versions` })).json().items[0].digest;
    const bad = await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, payload: { digest, semver: '1.0', reason: 'r' } });
    expect(bad.statusCode).toBe(400);
    await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, payload: { digest, semver: 'v0.1.0-dev', reason: 'r' } });
    const other = await r.push(model, { 'w.bin': content, 'x.txt': content });
    const dup = await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, payload: { digest: other.body.digest, semver: 'v0.1.0-dev', reason: 'r' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('semver_conflict');
  });
});
