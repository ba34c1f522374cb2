import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, openLineageValidator } from '@lynx/platform/testing';
import { startRegistry, type RegistryFixture } from './registry.fixture';

// The registry's register and promote runs as OpenLineage RunEvents (LYNX_OPENLINEAGE_URL, here a
// file), each valid against the 2-0-2 schema, a refused promote as FAIL with its reason.
jest.setTimeout(120_000);

describe('registry OpenLineage events', () => {
  let reg: RegistryFixture;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const validate = openLineageValidator();
  const events = async () => (await readFile(join(tmp.dir, 'lineage.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-ol-reg-');
    reg = await startRegistry({ LYNX_OPENLINEAGE_URL: join(tmp.dir, 'lineage.ndjson') });
  });
  afterAll(async () => {
    await reg?.close();
    await tmp?.cleanup();
  });

  it('emits START and COMPLETE for a registration and a promote, and FAIL for a refused promote', async () => {
    const pushed = await reg.push('ol-model', { 'weights.bin': 'w1' });
    expect(pushed.status).toBe(201);
    const digest = pushed.body.digest as string;
    const ok = await reg.inject({ method: 'POST', url: '/v1/models/ol-model/promote', as: 'trainer', payload: { digest, semver: 'v0.1.0-dev.1', reason: 'dev build' } });
    expect(ok.statusCode).toBe(200);
    const refused = await reg.inject({ method: 'POST', url: '/v1/models/ol-model/promote', as: 'trainer', payload: { digest, semver: 'v0.0.1-dev.1', reason: 'older' } });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);

    const all = await events();
    for (const e of all) expect(validate(e) ? [] : validate.errors).toEqual([]);
    const summary = all.map((e) => `${e.job.name}:${e.eventType}`);
    expect(summary).toEqual(['lynx.register:START', 'lynx.register:COMPLETE', 'lynx.promote:START', 'lynx.promote:COMPLETE', 'lynx.promote:START', 'lynx.promote:FAIL']);
    expect(all[1].outputs[0]).toMatchObject({ namespace: 'lynx-registry', name: `ol-model@${digest}`, facets: { version: { datasetVersion: digest } } });
    expect(all[3].outputs[0].name).toBe('ol-model@production');
    expect(all[5].run.facets.errorMessage.message).toBe(refused.json().error.message);
    expect(new Set(all.slice(0, 2).map((e) => e.run.runId)).size).toBe(1);
  });
});
