// vLLM's dynamic LoRA routes: load an adapter bundle (verified by digest), serve it, unload it.
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { correct } from '@lynx/tutor';
import { startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

const SENTENCE = 'I has eaten the cake.';
const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;

describe('model server adapters', () => {
  let f: ModelServerFixture;
  beforeAll(async () => {
    f = await startModelServer();
  });
  afterAll(() => f?.close());

  const ids = async () => (await f.client.models.list()).data.map((m) => m.id).sort();

  it('loads an adapter from a bundle under the adapter root, serves it with its parent, and unloads it', async () => {
    const load = await f.post('/v1/load_lora_adapter', { lora_name: 'grammar-lora', lora_path: 'lora' });
    expect(load).toEqual({ status: 200, type: expect.stringContaining('text/plain'), body: "Success: LoRA adapter 'grammar-lora' added successfully." });
    const card = (await f.client.models.list()).data.find((m) => m.id === 'grammar-lora') as unknown as Record<string, unknown>;
    expect(card).toMatchObject({ parent: 'base', root: 'lora', digest: f.trained.runs.lora.bundle_digest });

    const res = await f.post('/v1/chat/completions', { model: 'grammar-lora', messages: [{ role: 'user', content: SENTENCE }] });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe(correct(f.trained.models.lora, SENTENCE).corrected);

    expect((await f.post('/v1/unload_lora_adapter', { lora_name: 'grammar-lora' })).status).toBe(200);
    expect(await ids()).not.toContain('grammar-lora');
    const gone = await f.post('/v1/chat/completions', { model: 'grammar-lora', messages: [{ role: 'user', content: SENTENCE }] });
    expect({ status: gone.status, code: gone.body.error.code }).toEqual({ status: 404, code: 'model_not_found' });
  });

  it('loads when the given digest matches, as lora_path@digest or a digest field', async () => {
    const digest = f.trained.runs.lora.bundle_digest;
    expect((await f.post('/v1/load_lora_adapter', { lora_name: 'pinned-a', lora_path: `lora@${digest}` })).status).toBe(200);
    expect((await f.post('/v1/load_lora_adapter', { lora_name: 'pinned-b', lora_path: join(f.root, 'lora'), digest })).status).toBe(200);
    expect(await ids()).toEqual(expect.arrayContaining(['pinned-a', 'pinned-b']));
  });

  it('refuses a bundle whose digest does not match: 400 digest_mismatch, nothing loaded', async () => {
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'tampered', lora_path: `lora@${ZERO_DIGEST}` });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code: 'digest_mismatch' });
    const field = await f.post('/v1/load_lora_adapter', { lora_name: 'tampered', lora_path: 'lora', digest: ZERO_DIGEST });
    expect(field.status).toBe(400);
    expect(await ids()).not.toContain('tampered');
  });

  it('refuses paths outside the adapter root: .., absolute, and symlinks leading out', async () => {
    const outside = join(f.tmp, 'outside');
    await cp(join(f.root, 'lora'), outside, { recursive: true });
    await symlink(outside, join(f.root, 'link-out'));
    for (const lora_path of ['../outside', outside, 'link-out', 'lora/../../outside']) {
      const res = await f.post('/v1/load_lora_adapter', { lora_name: 'escape', lora_path });
      expect({ lora_path, status: res.status, code: res.body.error.code }).toEqual({ lora_path, status: 400, code: 'unsafe_path' });
    }
    expect(await ids()).not.toContain('escape');
  });

  it('refuses an adapter whose base model is not loaded', async () => {
    const orphan = join(f.root, 'orphan');
    await cp(join(f.root, 'lora'), orphan, { recursive: true });
    const config = JSON.parse(await readFile(join(orphan, 'config.json'), 'utf8'));
    await writeFile(join(orphan, 'config.json'), JSON.stringify({ ...config, parent_digest: ZERO_DIGEST }));
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'orphan', lora_path: 'orphan' });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code: 'adapter_base_not_loaded' });
  });

  it('refuses a directory that is not a tutor bundle, a missing one, and a taken name', async () => {
    await mkdir(join(f.root, 'empty'));
    const empty = await f.post('/v1/load_lora_adapter', { lora_name: 'empty', lora_path: 'empty' });
    expect({ status: empty.status, code: empty.body.error.code }).toEqual({ status: 400, code: 'validation_failed' });
    const missing = await f.post('/v1/load_lora_adapter', { lora_name: 'missing', lora_path: 'no-such-dir' });
    expect({ status: missing.status, code: missing.body.error.code }).toEqual({ status: 404, code: 'not_found' });
    const taken = await f.post('/v1/load_lora_adapter', { lora_name: 'lora', lora_path: 'lora' });
    expect({ status: taken.status, code: taken.body.error.code }).toEqual({ status: 409, code: 'model_already_loaded' });
    const badName = await f.post('/v1/load_lora_adapter', { lora_name: '../x', lora_path: 'lora' });
    expect({ status: badName.status, param: badName.body.error.param }).toEqual({ status: 400, param: 'lora_name' });
  });

  it('unload: unknown name 404, a base with adapters on it 409', async () => {
    const unknown = await f.post('/v1/unload_lora_adapter', { lora_name: 'never-loaded' });
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({ status: 404, code: 'model_not_found' });
    const base = await f.post('/v1/unload_lora_adapter', { lora_name: 'base' });
    expect({ status: base.status, code: base.body.error.code }).toEqual({ status: 409, code: 'conflict' });
    expect(await ids()).toContain('base');
  });

  it('reads <model>@<ref> as a registry ref: 502 upstream_unavailable when the registry is down', async () => {
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'pulled', lora_path: `grammar-tutor@${ZERO_DIGEST}` });
    expect({ status: res.status, code: res.body.error.code, type: res.body.error.type }).toEqual({ status: 502, code: 'upstream_unavailable', type: 'server_error' });
  });
});
