// A hostile user against the registry (LYNX_ENV=prod, one token per role): what a probe found
// accepted or answered with 500, each now refused with a stable code and nothing stored.
import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rawRequest, uniqueName } from '@lynx/platform/testing';
import { TOKENS, sha, startRegistry, type RegistryFixture } from './registry.fixture';

jest.setTimeout(90_000);

const REPO = join(__dirname, '../../..');

describe('registry: hostile input', () => {
  let r: RegistryFixture;
  let port: number;
  const model = uniqueName('hostile');
  const pushed: string[] = [];
  const versionCount = async () => (await r.inject({ method: 'GET', url: `/v1/models/${model}/versions?limit=500` })).json().items.length;
  const register = async (tags: Record<string, string>, as: 'trainer' | 'operator' = 'operator') => {
    const content = `w-${Math.random()}`;
    await r.inject({ method: 'PUT', url: `/v1/blobs/${sha(content)}`, as: 'trainer', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(content) });
    return r.inject({
      method: 'POST',
      url: `/v1/models/${model}/versions`,
      as,
      payload: { manifest: { files: [{ path: 'w.bin', size: Buffer.byteLength(content), digest: sha(content) }] }, lineage: { data: [] }, tags },
    });
  };

  beforeAll(async () => {
    r = await startRegistry({
      LYNX_ENV: 'prod',
      // The repo's own upstreams file (no catch-all): a version needs a tag or a rule to be served.
      LYNX_UPSTREAMS_FILE: join(REPO, 'lynx.upstreams.yaml'),
      LYNX_UPSTREAM_ALLOWED_HOSTS: 'models.internal:8000',
      LYNX_HTTP_BODY_IDLE_TIMEOUT_MS: '500',
      // A deployment without Lynx's model server as the default upstream, and with CI's long-lived token allowed.
      LYNX_ROUTER_DEFAULT_UPSTREAM: 'off',
      LYNX_ALLOW_CI_TOKENS: 'true',
    });
    await r.app.listen(0, '127.0.0.1');
    port = (r.app.getHttpServer().address() as AddressInfo).port;
    const first = await r.push(model, { 'w.bin': 'first' });
    expect(first.status).toBe(201);
    pushed.push(first.body.digest);
  });
  afterAll(async () => {
    await r?.close();
  });

  it('lets only operators set upstream tags, and only to allowed hosts', async () => {
    const before = await versionCount();
    const byTrainer = await register({ 'upstream.base_url': 'http://models.internal:8000/v1' }, 'trainer');
    expect({ status: byTrainer.statusCode, code: byTrainer.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    for (const url of ['http://127.0.0.1:4222/v1', 'http://127.0.0.1:6379/v1', 'http://169.254.169.254/latest', 'http://models.internal:8001/v1', 'file:///etc/passwd']) {
      const res = await register({ 'upstream.base_url': url, 'upstream.model': 'x' });
      expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({ url, status: 400, code: 'upstream_not_allowed' });
    }
    expect(await versionCount()).toBe(before);
    const ok = await register({ 'upstream.base_url': 'http://models.internal:8000/v1', 'upstream.model': 'base' });
    expect(ok.statusCode).toBe(201);
    pushed.push(ok.json().digest);
  });

  it('shows upstream URLs to operators only: readers and trainers see the keys with hidden values', async () => {
    const tagged = pushed[1];
    const url = 'http://models.internal:8000/v1';
    const edit = await r.inject({ method: 'PATCH', url: `/v1/models/${model}/versions/${tagged}/tags`, as: 'operator', payload: { set: { 'upstream.timeout_ms': '9000' } } });
    expect(edit.statusCode).toBe(200);
    const reads = [
      `/v1/models/${model}/versions/${tagged}`,
      `/v1/models/${model}/versions?limit=500`,
      `/v1/audit?model=${model}`,
      `/v1/lineage/${model}/${tagged}`,
    ];
    for (const as of ['reader', 'trainer'] as const) {
      for (const path of reads) {
        const res = await r.inject({ method: 'GET', url: path, as });
        expect({ as, path, status: res.statusCode }).toEqual({ as, path, status: 200 });
        expect({ as, path, leaks: res.body.includes('models.internal') }).toEqual({ as, path, leaks: false });
      }
      const shown = (await r.inject({ method: 'GET', url: reads[0], as })).json();
      expect(shown.tags).toMatchObject({ 'upstream.base_url': '[hidden]', 'upstream.model': '[hidden]', 'upstream.timeout_ms': '[hidden]' });
    }
    for (const as of ['operator', 'admin'] as const) {
      const shown = (await r.inject({ method: 'GET', url: reads[0], as })).json();
      expect(shown.tags).toMatchObject({ 'upstream.base_url': url, 'upstream.model': 'base' });
      const audit = (await r.inject({ method: 'GET', url: reads[2], as })).json();
      expect(audit.entries.find((e: { action: string }) => e.action === 'tags.changed').before).toMatchObject({ 'upstream.base_url': url });
    }
  });

  it('caps the number and size of tags', async () => {
    const before = await versionCount();
    const many = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, 'v']));
    for (const tags of [many, { ['k'.repeat(200)]: 'v' }, { k: 'v'.repeat(5000) }]) {
      const res = await register(tags, 'trainer');
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 400, code: 'tag_limit_exceeded' });
    }
    expect(await versionCount()).toBe(before);
  });

  it('stores no traffic plan the router could not serve', async () => {
    const [noUpstream, tagged] = pushed;
    const put = (plan: unknown) => r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan, reason: 'probe' } });
    const refused = await put({ strategy: 'ab', arms: [{ ref: tagged, weight: 1 }, { ref: noUpstream, weight: 1 }] });
    expect({ status: refused.statusCode, code: refused.json().error.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(refused.json().error.details.refs).toEqual([expect.objectContaining({ ref: noUpstream })]);
    expect((await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json().revision).toBe(0);
    expect((await put({ strategy: 'single', ref: tagged })).statusCode).toBe(200);
  });

  it('refuses arm names the router could not send as a header', async () => {
    const [first] = pushed;
    for (const name of ['a\r\nSet-Cookie: pwn=1', 'яблоко', 'a b', '', 'x'.repeat(65)]) {
      const res = await r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan: { strategy: 'ab', arms: [{ ref: first, weight: 1, name }] } } });
      expect({ name, status: res.statusCode, code: res.json().error.code }).toEqual({ name, status: 400, code: 'validation_failed' });
    }
  });

  it('promotes no pre-release in prod, whatever its case', async () => {
    const [, tagged] = pushed;
    for (const semver of ['v2.0.0-DEV.1', 'v2.0.0-Dev', 'v2.0.0-rc.1', 'v2.0.0-dev.1']) {
      const res = await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as: 'ci', payload: { digest: tagged, semver, reason: 'probe' } });
      expect({ semver, status: res.statusCode, code: res.json().error.code }).toEqual({ semver, status: 400, code: 'invalid_semver' });
    }
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/production` })).statusCode).toBe(404);
  });

  it('answers 400 nul_byte, never 500, for NULs in read routes and stored fields', async () => {
    for (const url of [`/v1/models/rt%00/versions`, `/v1/models/${model}/versions/prod%00`, `/v1/models/${model}/versions?tag=a%00`, `/v1/audit?model=%00`, `/v1/traffic/${model}%00`]) {
      const res = await r.inject({ method: 'GET', url, as: 'reader' });
      expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({ url, status: 400, code: 'nul_byte' });
    }
    const before = await versionCount();
    for (const extra of [{ tags: { a: 'b\u0000' } }, { description: 'x\u0000' }, { metrics: { 'acc\u0000': 1 } }]) {
      const res = await r.inject({
        method: 'POST',
        url: `/v1/models/${model}/versions`,
        as: 'trainer',
        payload: { manifest: { files: [{ path: 'w.bin', size: 5, digest: sha('first') }] }, lineage: { data: [], run_id: 'r' }, ...extra },
      });
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 400, code: 'nul_byte' });
    }
    const lineage = await r.inject({ method: 'POST', url: `/v1/models/${model}/versions`, as: 'trainer', payload: { manifest: { files: [] }, lineage: { data: [], run_id: 'r\u0000' } } });
    expect(lineage.statusCode).toBe(400);
    expect(await versionCount()).toBe(before);
  });

  it('refuses bodies in other charsets with 415', async () => {
    const res = await r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', headers: { 'content-type': 'application/json; charset=utf-16' }, payload: JSON.stringify({ plan: { strategy: 'single' } }) });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
  });

  it('answers 201 to exactly one of many clients putting the same new blob at once', async () => {
    const content = Buffer.from(`race-${Math.random()}`);
    const all = await Promise.all(
      Array.from({ length: 12 }, () => r.inject({ method: 'PUT', url: `/v1/blobs/${sha(content)}`, as: 'trainer', headers: { 'content-type': 'application/octet-stream' }, payload: content })),
    );
    const statuses = all.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(11);
  });

  it('checks the token before reading a blob, and drops a stalled upload with its temp file', async () => {
    const digest = sha('never finished');
    const anon = await rawRequest(port, `PUT /v1/blobs/${digest} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576`, 'never', 3000);
    expect(anon.status).toBe(401);
    const stalled = await rawRequest(port, `PUT /v1/blobs/${digest} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.trainer}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576`, 'never', 4000);
    expect(stalled.status).toBe(408);
    // The upload's .part file goes with it.
    const tmp = join(r.dataDir, 'blobs', 'tmp');
    for (let i = 0; i < 40 && (await readdir(tmp)).length > 0; i++) await new Promise((res) => setTimeout(res, 50));
    expect(await readdir(tmp)).toEqual([]);
  });
});
