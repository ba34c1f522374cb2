// Fuzz suite, drift worker: seeded hostile requests at every route (fuzzApp). The registry it asks
// is down here (port 9): a 502 naming that is a dependency error, never a 500; no 5xx for input.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { lynxRoutes } from '@lynx/platform';
import { formatFuzzReport, fuzzApp, makeTempDir, testNamespace, writeTokensFile, type TestNamespace } from '@lynx/platform/testing';
import { createDriftApp } from './drift-app';

jest.setTimeout(120_000);

describe('fuzz: drift worker', () => {
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let app: NestFastifyApplication;
  const tokens = ['fuzz-reader', 'fuzz-trainer', 'fuzz-admin'];

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-drift-fuzz-');
    const tokensFile = await writeTokensFile(tmp.dir, [
      { token: tokens[0], role: 'reader', name: 'r' },
      { token: tokens[1], role: 'trainer', name: 't' },
      { token: tokens[2], role: 'admin', name: 'a' },
    ]);
    ns = testNamespace('driftf', { LYNX_TOKENS_FILE: tokensFile });
    await ns.createStreams();
    app = await createDriftApp({
      env: { ...ns.env, LYNX_REGISTRY_URL: 'http://127.0.0.1:9', LYNX_DRIFT_SCHEDULE: 'false', LYNX_DRIFT_CONSUMER: 'drift-fuzz', LYNX_DRIFT_DATA_ROOT: tmp.dir, LYNX_DRIFT_RETRAIN_DIR: `${tmp.dir}/retrain` },
    });
  });
  afterAll(async () => {
    await app?.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  it('answers every hostile request below 500 (but for the registry being down), in time', async () => {
    const report = await fuzzApp(app, lynxRoutes(app), 'drift-worker', { seed: Number(process.env.LYNX_FUZZ_SEED ?? 19), casesPerRoute: Number(process.env.LYNX_FUZZ_CASES ?? 30), tokens });
    process.stdout.write(`${formatFuzzReport(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.routes).toBeGreaterThan(4);
  });
});
