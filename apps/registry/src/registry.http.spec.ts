import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueName } from '@lynx/platform/testing';
import { digestFromFiles } from '@lynx/bundle';
import { sha, startRegistry, type RegistryFixture } from './registry.fixture';

describe('registry HTTP: blobs and versions', () => {
  let r: RegistryFixture;
  beforeAll(async () => {
    r = await startRegistry({}, 64 * 1024);
  });
  afterAll(async () => {
    await r?.close();
  });

  const putBlob = (digest: string, payload: Buffer | string, as: 'trainer' | 'reader' | null = 'trainer') =>
    r.inject({ method: 'PUT', url: `/v1/blobs/${digest}`, headers: { 'content-type': 'application/octet-stream' }, payload, as });

  it('stores a blob once: 201, then 200; HEAD and GET serve it', async () => {
    const body = `blob-${uniqueName()}`;
    const first = await putBlob(sha(body), body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ digest: sha(body), size: body.length });
    expect((await putBlob(sha(body), body)).statusCode).toBe(200);
    const head = await r.inject({ method: 'HEAD', url: `/v1/blobs/${sha(body)}` });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(body.length));
    const get = await r.inject({ method: 'GET', url: `/v1/blobs/${sha(body)}` });
    expect(get.statusCode).toBe(200);
    expect(get.body).toBe(body);
    expect((await r.inject({ method: 'HEAD', url: `/v1/blobs/${sha('absent')}` })).statusCode).toBe(404);
    expect((await r.inject({ method: 'GET', url: `/v1/blobs/${sha('absent')}` })).json().error.code).toBe('not_found');
  });

  it('refuses blob bytes that do not match, over the cap, or under a bad digest, keeping nothing', async () => {
    const mismatch = await putBlob(sha('one'), 'two');
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.code).toBe('digest_mismatch');
    const big = Buffer.alloc(64 * 1024 + 1, 7);
    const tooBig = await putBlob(sha(big), big);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('payload_too_large');
    for (const bad of ['sha256:abc', `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`]) {
      const res = await putBlob(encodeURIComponent(bad), 'x');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_digest');
    }
    expect((await r.inject({ method: 'HEAD', url: `/v1/blobs/${sha('one')}` })).statusCode).toBe(404);
    expect(readdirSync(join(r.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('needs a token, and the trainer role to upload', async () => {
    const none = await putBlob(sha('x'), 'x', null);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const weak = await putBlob(sha('x'), 'x', 'reader');
    expect(weak.statusCode).toBe(403);
    expect(weak.json().error.code).toBe('forbidden');
    expect((await r.inject({ method: 'GET', url: '/v1/models', as: null })).statusCode).toBe(401);
    expect((await r.inject({ method: 'GET', url: '/v1/models', as: 'reader' })).statusCode).toBe(200);
  });

  it('registers a version with the recomputed digest, idempotently', async () => {
    const model = uniqueName('m');
    const files = { 'weights.bin': `w-${model}`, 'config/model.json': '{"a":1}' };
    const first = await r.push(model, files, { tags: { stage: 'exp' } });
    expect(first.status).toBe(201);
    const expected = digestFromFiles(Object.entries(files).map(([path, c]) => ({ path, size: c.length, digest: sha(c) })));
    expect(first.body).toMatchObject({ model, digest: expected, status: 'registered', file_count: 2, created_by: 'trainer-user' });
    const again = await r.push(model, files, { tags: { other: 'y' } });
    expect(again.status).toBe(200);
    expect(again.body.tags).toEqual({ stage: 'exp' });
    const show = await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/${expected.slice(7, 21)}`, as: 'reader' });
    expect(show.statusCode).toBe(200);
    expect(show.json()).toMatchObject({ digest: expected, evaluations: [], verdicts: [], serving: null });
    const manifest = await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/${expected}/manifest` });
    expect(manifest.json().files.map((f: { path: string }) => f.path)).toEqual(['config/model.json', 'weights.bin']);
    const list = await r.inject({ method: 'GET', url: `/v1/models/${model}/versions?tag=stage=exp` });
    expect(list.json().items).toHaveLength(1);
    const models = await r.inject({ method: 'GET', url: '/v1/models' });
    expect(models.json().models.find((m: { name: string }) => m.name === model)).toMatchObject({ version_count: 1 });
  });
});
