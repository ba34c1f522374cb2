// Fuzz suite, registry: seeded hostile requests at every route (see @lynx/platform/testing's
// fuzzRoutes). Properties: no 5xx for client input, every answer within the time limit, and no
// stored change from a refused request (models, versions and the audit log as before, but for
// what the accepted writes did).
import { lynxRoutes } from '@lynx/platform';
import { formatFuzzReport, fuzzRoutes } from '@lynx/platform/testing';
import { TOKENS, startRegistry, type RegistryFixture } from './registry.fixture';

jest.setTimeout(120_000);

const CASES_PER_ROUTE = Number(process.env.LYNX_FUZZ_CASES ?? 30);
const SEED = Number(process.env.LYNX_FUZZ_SEED ?? 19);

describe('fuzz: registry', () => {
  let r: RegistryFixture;
  beforeAll(async () => {
    r = await startRegistry({ LYNX_ENV: 'prod' });
    expect((await r.push('grammar-tutor', { 'w.bin': 'fuzz' })).status).toBe(201);
  });
  afterAll(async () => {
    await r?.close();
  });

  const snapshot = async () => {
    const models = (await r.inject({ method: 'GET', url: '/v1/models' })).json();
    const versions = (await r.inject({ method: 'GET', url: '/v1/models/grammar-tutor/versions?limit=500' })).json();
    const audit = (await r.inject({ method: 'GET', url: '/v1/audit?limit=500' })).json();
    return { models, versions, auditCount: (audit.entries ?? audit.items ?? audit).length as number };
  };

  it('answers every hostile request below 500, in time, and stores nothing it refused', async () => {
    const routes = lynxRoutes(r.app).filter((x) => x.method !== 'OPTIONS');
    const before = await snapshot();
    const fastify = r.app.getHttpAdapter().getInstance();
    const report = await fuzzRoutes('registry', routes, {
      seed: SEED,
      casesPerRoute: CASES_PER_ROUTE,
      timeoutMs: 10_000,
      authorizations: [undefined, 'Bearer nope', 'Basic YTpi', ...Object.values(TOKENS).map((t) => `Bearer ${t}`)],
      send: async (req) => {
        const res = await fastify.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.body !== undefined ? { payload: req.body } : {}) });
        return { status: res.statusCode, body: res.body };
      },
    });
    process.stdout.write(`${formatFuzzReport(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.routes).toBeGreaterThan(15);
    const after = await snapshot();
    if (report.writesAccepted === 0) expect(after).toEqual(before);
    else expect(after.auditCount - before.auditCount).toBeLessThanOrEqual(report.writesAccepted);
  });
});
