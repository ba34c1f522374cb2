// Fuzz suite, gate: seeded hostile requests at every route (fuzzApp), with its registry down
// (port 9): a 502 naming that is a dependency error, never a 500; no 5xx for client input.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp, lynxRoutes } from '@lynx/platform';
import { formatFuzzReport, fuzzApp, makeTempDir, testNamespace, writeTokensFile, type TestNamespace } from '@lynx/platform/testing';
import { GateAppModule } from './app.module';

jest.setTimeout(120_000);

describe('fuzz: gate', () => {
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let app: NestFastifyApplication;
  const tokens = ['fuzz-reader', 'fuzz-ci', 'fuzz-admin'];

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-gate-fuzz-');
    const tokensFile = await writeTokensFile(tmp.dir, [
      { token: tokens[0], role: 'reader', name: 'r' },
      { token: tokens[1], role: 'ci', name: 'c' },
      { token: tokens[2], role: 'admin', name: 'a' },
    ]);
    ns = testNamespace('gatef', { LYNX_TOKENS_FILE: tokensFile, LYNX_REGISTRY_URL: 'http://127.0.0.1:9', LYNX_GATE_AUTO_CANARY: 'false' });
    await ns.createStreams();
    app = await createLynxApp(GateAppModule.forRoot({ env: ns.env }), 'gate');
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  it('answers every hostile request below 500 (but for the registry being down), in time', async () => {
    const report = await fuzzApp(app, lynxRoutes(app), 'gate', { seed: Number(process.env.LYNX_FUZZ_SEED ?? 19), casesPerRoute: Number(process.env.LYNX_FUZZ_CASES ?? 30), tokens });
    process.stdout.write(`${formatFuzzReport(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.routes).toBeGreaterThan(4);
  });
});
