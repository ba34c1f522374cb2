import { uniqueName } from '@lynx/platform/testing';
import { REGISTRY_STORE } from './store/store.module';
import type { RegistryStore } from './store/registry-store';
import { startRegistry, type RegistryFixture } from './registry.fixture';

describe('registry: editable tags', () => {
  let r: RegistryFixture;
  let store: RegistryStore;
  beforeAll(async () => {
    r = await startRegistry();
    store = r.app.get(REGISTRY_STORE);
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  const patch = (model: string, ref: string, payload: unknown, as: 'operator' | 'trainer' | 'admin' = 'operator') =>
    r.inject({ method: 'PATCH', url: `/v1/models/${model}/versions/${encodeURIComponent(ref)}/tags`, payload: payload as object, as });

  it('sets and unsets tags as operator, audited, with a tags.changed event in the outbox', async () => {
    const model = uniqueName('tags');
    const { body } = await r.push(model, { 'w.bin': `w-${model}` }, { tags: { keep: '1', old: 'x' } });
    const res = await patch(model, body.digest, { set: { variant: 'base', keep: '2' }, unset: ['old'], reason: 'label it' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ digest: body.digest, tags: { keep: '2', variant: 'base' }, before: { keep: '1', old: 'x' }, changed: ['keep', 'old', 'variant'] });
    const shown = await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/${body.digest}` });
    expect(shown.json().tags).toEqual({ keep: '2', variant: 'base' });
    const audit = (await r.inject({ method: 'GET', url: `/v1/audit?model=${model}` })).json();
    const entry = (audit.entries ?? audit).find((e: any) => e.action === 'tags.changed');
    expect(entry).toMatchObject({ role: 'operator', reason: 'label it', before: { keep: '1', old: 'x' } });
    const events = await store.pendingEvents(10_000);
    expect(events.filter((e) => e.subject === 'lynx.registry.tags.changed' && (e.payload as any).model === model)).toHaveLength(1);
    const metrics = (await r.inject({ method: 'GET', url: '/metrics', as: null })).body;
    expect(metrics).toMatch(new RegExp(`^lynx_registry_tag_edits_total\\{model="${model}"[^}]*\\} 1$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^lynx_registry_pushes_total\\{model="${model}",created="true"[^}]*\\} 1$`, 'm'));
  });

  it('an edit that changes nothing writes no audit row and no event', async () => {
    const model = uniqueName('tags');
    const { body } = await r.push(model, { 'w.bin': `n-${model}` }, { tags: { a: '1' } });
    const res = await patch(model, body.digest, { set: { a: '1' } });
    expect(res.json().changed).toEqual([]);
    const events = await store.pendingEvents(10_000);
    expect(events.filter((e) => e.subject === 'lynx.registry.tags.changed' && (e.payload as any).model === model)).toHaveLength(0);
  });

  it('refuses bad keys and values, reserved keys below admin, trainers, and unknown versions, changing nothing', async () => {
    const model = uniqueName('tags');
    const { body } = await r.push(model, { 'w.bin': `b-${model}` }, { tags: { a: '1' } });
    const cases: Array<[unknown, string, number, 'operator' | 'trainer']> = [
      [{ set: { 'bad key': 'x', a: '2' } }, 'validation_failed', 400, 'operator'],
      [{ set: { a: 'x'.repeat(4097) } }, 'tag_limit_exceeded', 400, 'operator'],
      [{ set: { a: 'line\nforged' } }, 'validation_failed', 400, 'operator'],
      [{ set: { 'lynx.price': '0.1' } }, 'forbidden', 403, 'operator'],
      [{ unset: ['lynx.price'] }, 'forbidden', 403, 'operator'],
      [{ set: { a: '2' }, unset: ['a'] }, 'validation_failed', 400, 'operator'],
      [{}, 'validation_failed', 400, 'operator'],
      [{ set: { a: '2' } }, 'forbidden', 403, 'trainer'],
    ];
    for (const [payload, code, status, as] of cases) {
      const res = await patch(model, body.digest, payload, as);
      expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
    }
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/versions/${body.digest}` })).json().tags).toEqual({ a: '1' });
    expect((await patch(model, `sha256:${'0'.repeat(64)}`, { set: { a: '2' } })).statusCode).toBe(404);
    const admin = await patch(model, body.digest, { set: { 'lynx.price': '0.1' } }, 'admin' as 'operator');
    expect(admin.statusCode).toBe(200);
  });
});
