// Serving follows the registry: a request naming a digest loads that version from a real registry
// (an adapter on its base, loaded first), and a sweep unloads what no traffic plan names.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pushBundle } from '@lynx/bundle';
import { startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { correct } from '@lynx/tutor';
import { OnDemandLoader } from './variants/on-demand-loader';
import { startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

const MODEL = 'grammar-tutor';

describe('model server: versions loaded on demand by digest', () => {
  let registry: RegistryChild | undefined;
  let f: ModelServerFixture;
  let base: string;
  let lora: string;
  let int8: string;
  let trained: ModelServerFixture['trained'];

  beforeAll(async () => {
    f = await startModelServer();
    trained = f.trained;
    registry = await startRegistryChild({ prefix: 'msod', roles: [] });
    const push = async (dir: string, parent?: string) =>
      (await pushBundle({ url: registry!.url }, MODEL, dir, { lineage: { data: [], ...(parent ? { parent_digest: parent } : {}) } })).digest;
    base = await push(trained.dirs.base);
    lora = await push(trained.dirs.lora, base);
    int8 = await push(trained.dirs.int8);
    await f.close();
    // Configured as `npm start` runs it: no models at start, the registry's URL, sweeps by hand.
    f = await startModelServer({ LYNX_REGISTRY_URL: registry.url, LYNX_MODEL_SERVER_MODELS: '', LYNX_MODEL_SERVER_SWEEP_MS: '0', LYNX_MODEL_SERVER_IDLE_MS: '0' });
  }, 90_000);

  afterAll(async () => {
    await f?.close();
    await registry?.stop();
  });

  it('answers for an adapter digest by pulling its base and itself, once, however many ask at once', async () => {
    const sentence = 'She goed to school yesterday.';
    const answers = await Promise.all(
      [1, 2, 3].map(() => f.client.chat.completions.create({ model: lora, messages: [{ role: 'user', content: sentence }] })),
    );
    for (const a of answers) expect(a.choices[0].message.content).toBe(correct(trained.models.lora, sentence).corrected);
    const cards = (await f.client.models.list()).data as unknown as Array<Record<string, unknown>>;
    expect(cards.map((c) => [c.id, c.parent]).sort()).toEqual([
      [base, null],
      [lora, base],
    ]);
    expect((await readdir(join(f.tmp, 'data', 'model-server', 'bundles'))).sort()).toEqual([base.slice(7), lora.slice(7)].sort());
  });

  it('answers 404 model_not_found for a digest no registry model has, loading nothing', async () => {
    const missing = await f.post('/v1/chat/completions', { model: `sha256:${'7'.repeat(64)}`, messages: [{ role: 'user', content: 'I goed.' }] });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'model_not_found']);
    expect(missing.body.error.message).toMatch(/no registry model has a version with this digest/);
    expect((await f.client.models.list()).data).toHaveLength(2);
  });

  it('unloads on a sweep what no plan names, adapters before their base, and keeps what a plan names', async () => {
    await f.client.completions.create({ model: int8, prompt: 'He runned home.' });
    expect((await f.client.models.list()).data).toHaveLength(3);
    // The plan names lora (its base stays with it); with no production, int8 is named by none.
    const put = await registry!.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: lora } });
    expect(put.status).toBe(200);
    const loader = f.app.get(OnDemandLoader);
    expect(await loader.sweep()).toEqual([int8]);
    expect(((await f.client.models.list()).data.map((m) => m.id)).sort()).toEqual([base, lora].sort());
    await registry!.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: int8 } });
    expect(await loader.sweep()).toEqual([lora, base]);
    expect((await f.client.models.list()).data).toHaveLength(0);
  });
});
