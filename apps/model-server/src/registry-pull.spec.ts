// load_lora_adapter with a registry ref: the model server pulls the bundle from a real registry
// (apps/registry, run as its own process) and verifies every blob and the bundle digest.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pushBundle } from '@lynx/bundle';
import { pushRandomVersion } from '@lynx/bundle/testing';
import { startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { correct } from '@lynx/tutor';
import { startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

const push = async (registry: RegistryChild, model: string, dir: string, parentDigest?: string): Promise<string> =>
  (await pushBundle({ url: registry.url, token: registry.tokens.trainer }, model, dir, { lineage: { data: [], ...(parentDigest ? { parent_digest: parentDigest } : {}) } })).digest;

describe('model server pulling from the registry', () => {
  let registry: RegistryChild | undefined;
  let f: ModelServerFixture;
  let loraDigest: string;
  let int8Digest: string;
  let trained: ModelServerFixture['trained'];

  beforeAll(async () => {
    // A first server only to train the bundles that get pushed; the registry has a temp dir of its own.
    f = await startModelServer();
    registry = await startRegistryChild({ prefix: 'ms', roles: ['trainer', 'reader'] });
    loraDigest = await push(registry, 'grammar-tutor', f.trained.dirs.lora, f.trained.runs.base.bundle_digest);
    int8Digest = await push(registry, 'grammar-tutor', f.trained.dirs.int8);
    // A second server, configured like production: registry URL and a reader token.
    trained = f.trained;
    await f.close();
    f = await startModelServer({ LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.reader });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await registry?.stop();
  });

  it('pulls an adapter by digest, lays it over the loaded base, and serves it', async () => {
    const ref = `grammar-tutor@${loraDigest}`;
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'pulled-lora', lora_path: ref });
    expect(res.status).toBe(200);
    const card = (await f.client.models.list()).data.find((m) => m.id === 'pulled-lora') as unknown as Record<string, unknown>;
    expect(card).toMatchObject({ parent: 'base', root: ref, digest: loraDigest });
    const sentence = 'I has eaten the cake.';
    const answer = await f.client.chat.completions.create({ model: 'pulled-lora', messages: [{ role: 'user', content: sentence }] });
    expect(answer.choices[0].message.content).toBe(correct(trained.models.lora, sentence).corrected);
    const cached = await readdir(join(f.tmp, 'data', 'model-server', 'bundles'));
    expect(cached).toEqual([loraDigest.slice('sha256:'.length)]);
  });

  it('pulls a full model too', async () => {
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'pulled-int8', lora_path: `grammar-tutor@${int8Digest}` });
    expect(res.status).toBe(200);
    const card = (await f.client.models.list()).data.find((m) => m.id === 'pulled-int8') as unknown as Record<string, unknown>;
    expect(card).toMatchObject({ parent: null, digest: int8Digest });
  });

  it('refuses a digest the registry does not have (404) and a pull that is not the expected digest (400)', async () => {
    const missing = await f.post('/v1/load_lora_adapter', { lora_name: 'nope', lora_path: `grammar-tutor@sha256:${'1'.repeat(64)}` });
    expect({ status: missing.status, code: missing.body.error.code }).toEqual({ status: 404, code: 'model_not_found' });
    const wrong = await f.post('/v1/load_lora_adapter', { lora_name: 'nope', lora_path: `grammar-tutor@${loraDigest}`, digest: int8Digest });
    expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 400, code: 'digest_mismatch' });
  });

  it('takes a pulled bundle out of the cache again when its load is refused', async () => {
    const bundles = join(f.tmp, 'data', 'model-server', 'bundles');
    const before = (await readdir(bundles)).sort();
    // A version of random bytes: pulled and verified, then refused as no tutor bundle.
    const junk = await pushRandomVersion({ url: registry!.url, token: registry!.tokens.trainer }, 'grammar-tutor');
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'junk', lora_path: `grammar-tutor@${junk}` });
    expect(res.status).toBe(400);
    expect((await readdir(bundles)).sort()).toEqual(before);
    expect((await readdir(bundles))).not.toContain(junk.slice('sha256:'.length));
  });
});
