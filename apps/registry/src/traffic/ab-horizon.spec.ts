import { recordPassingVerdict, uniqueName } from '@lynx/platform/testing';
import { abLookSizes, decideAb, type AbHorizon } from '@lynx/gate';
import { startRegistry, type RegistryFixture } from '../registry.fixture';

describe('registry traffic: an A/B horizon is fixed when the plan starts', () => {
  let r: RegistryFixture;
  beforeAll(async () => {
    r = await startRegistry();
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  it('stores the computed horizon, keeps it on weight changes, refuses a new design for the same arms', async () => {
    const model = uniqueName('ab');
    const a = (await r.push(model, { 'w.bin': 'a' })).body.digest;
    const b = (await r.push(model, { 'w.bin': 'b' })).body.digest;
    // A/B arms answer users: each needs a passing gate verdict.
    const call = async (method: string, url: string, payload: unknown, as: 'ci') => {
      const res = await r.inject({ method: method as 'POST', url, as, payload: payload as object });
      return { status: res.statusCode, body: res.json() };
    };
    for (const digest of [a, b]) await recordPassingVerdict({ call: call as never }, model, digest);
    const put = (plan: unknown) => r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan, reason: 'test' } });
    const arms = (wa: number, wb: number) => [
      { name: 'base', ref: a, weight: wa },
      { name: 'lora', ref: b, weight: wb },
    ];

    // A client's per_arm is replaced by the registry's computation.
    const start = await put({ strategy: 'ab', arms: arms(50, 50), horizon: { mde: 0.05, baseline_rate: 0.8, per_arm: 10 } });
    expect(start.statusCode).toBe(200);
    const horizon = start.json().plan.horizon;
    expect(horizon).toMatchObject({ mde: 0.05, baseline_rate: 0.8, looks: 20, fixed_per_arm: 906, per_arm: 948 });
    expect(typeof horizon.started_at).toBe('string');

    // A weight change without the horizon keeps it, started_at included.
    const reweighted = await put({ strategy: 'ab', arms: arms(70, 30) });
    expect(reweighted.json()).toMatchObject({ revision: 2, plan: { horizon } });

    // Changing the design of the running A/B: 409 with a stable code, and the plan stays.
    const resized = await put({ strategy: 'ab', arms: arms(50, 50), horizon: { mde: 0.1 } });
    expect(resized.statusCode).toBe(409);
    expect(resized.json().error).toMatchObject({ code: 'ab_horizon_fixed', details: { changed: ['mde'] } });
    expect((await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json()).toMatchObject({ revision: 2, plan: { horizon } });

    // The stored horizon decides: a strong early difference at the first look does not ship.
    const h = (await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json().plan.horizon as AbHorizon;
    const n = abLookSizes(h)[0];
    const early = decideAb(h, [{ control: { n, passed: Math.round(0.75 * n) }, treatment: { n, passed: Math.round(0.92 * n) } }]);
    expect(early.verdict).toBe('inconclusive');

    // Ending the A/B and starting a new one with another design gets a new horizon.
    expect((await put({ strategy: 'single', ref: a })).statusCode).toBe(200);
    const again = await put({ strategy: 'ab', arms: arms(50, 50), horizon: { mde: 0.1 } });
    expect(again.json().plan.horizon).toMatchObject({ mde: 0.1, baseline_rate: null, per_arm: 411 });
  });

  it('refuses a horizon on an A/B of more than two arms', async () => {
    const model = uniqueName('ab');
    const a = (await r.push(model, { 'w.bin': 'a' })).body.digest;
    const res = await r.inject({
      method: 'PUT',
      url: `/v1/traffic/${model}`,
      as: 'operator',
      payload: { plan: { strategy: 'ab', arms: [{ name: 'x', ref: a, weight: 1 }, { name: 'y', ref: a, weight: 1 }, { name: 'z', ref: a, weight: 1 }], horizon: { mde: 0.05 } } },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('a horizon tests two arms');
  });
});
