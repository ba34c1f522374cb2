// Fuzz suite, cost emitter: seeded hostile requests at every route (fuzzApp). Its configuration
// comes from process.env (as in its app spec), restored afterwards.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp, lynxRoutes } from '@lynx/platform';
import { formatFuzzReport, fuzzApp, makeTempDir, testNamespace, writeTokensFile, type TestNamespace } from '@lynx/platform/testing';
import { AppModule } from './app.module';

jest.setTimeout(120_000);

describe('fuzz: cost emitter', () => {
  const saved = { ...process.env };
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let app: NestFastifyApplication;
  const tokens = ['fuzz-reader', 'fuzz-admin'];

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-cost-fuzz-');
    const tokensFile = await writeTokensFile(tmp.dir, [
      { token: tokens[0], role: 'reader', name: 'r' },
      { token: tokens[1], role: 'admin', name: 'a' },
    ]);
    await writeFile(join(tmp.dir, 'prices.yaml'), 'default:\n  usd_per_1k_prompt_tokens: 2\n  usd_per_1k_completion_tokens: 4\n');
    ns = testNamespace('costf', { LYNX_TOKENS_FILE: tokensFile, LYNX_PRICES_FILE: join(tmp.dir, 'prices.yaml'), LYNX_REGISTRY_URL: 'http://127.0.0.1:9' });
    Object.assign(process.env, ns.env, { LYNX_COST_CONSUMER: `cost-${ns.namespace}` });
    app = await createLynxApp(AppModule.forRoot(), 'cost-emitter');
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    process.env = { ...saved };
    await ns.cleanup();
    await tmp.cleanup();
  });

  it('answers every hostile request below 500, in time', async () => {
    const report = await fuzzApp(app, lynxRoutes(app), 'cost-emitter', { seed: Number(process.env.LYNX_FUZZ_SEED ?? 19), casesPerRoute: Number(process.env.LYNX_FUZZ_CASES ?? 30), tokens });
    process.stdout.write(`${formatFuzzReport(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.routes).toBeGreaterThan(2);
  });
});
