// Fuzz suite, model server: seeded hostile requests at every route (fuzzApp), with near-valid
// OpenAI bodies for the completion routes and vLLM's adapter routes. No 5xx for client input.
import { lynxRoutes } from '@lynx/platform';
import { fc, formatFuzzReport, fuzzApp, nearValidBody } from '@lynx/platform/testing';
import { startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

jest.setTimeout(120_000);

describe('fuzz: model server', () => {
  let f: ModelServerFixture;
  beforeAll(async () => {
    f = await startModelServer();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('answers every hostile request below 500, in time', async () => {
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.jsonValue({ maxDepth: 2 }));
    const model = fc.oneof({ arbitrary: fc.constantFrom('base', 'lora', 'int8'), weight: 3 }, { arbitrary: fc.jsonValue(), weight: 1 });
    const common = { model, stream: fc.boolean(), max_tokens: fc.oneof(fc.integer(), fc.string()), n: fc.jsonValue(), temperature: fc.jsonValue() };
    const report = await fuzzApp(f.app, lynxRoutes(f.app), 'model-server', {
      seed: Number(process.env.LYNX_FUZZ_SEED ?? 19),
      casesPerRoute: Number(process.env.LYNX_FUZZ_CASES ?? 30),
      routeBodies: {
        'POST /v1/chat/completions': nearValidBody({ ...common, messages: fc.oneof(fc.array(fc.record({ role: fc.constantFrom('user', 'system', 'x'), content: text }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })) }),
        'POST /v1/completions': nearValidBody({ ...common, prompt: fc.oneof(text, fc.array(text, { maxLength: 3 })) }),
        'POST /v1/load_lora_adapter': nearValidBody({ lora_name: text, lora_path: fc.oneof(text, fc.constantFrom('../../etc', '/etc/passwd', 'grammar-tutor@production', 'lora@sha256:00')) }),
        'POST /v1/unload_lora_adapter': nearValidBody({ lora_name: fc.oneof(text, fc.constantFrom('base', 'nope')) }),
      },
    });
    process.stdout.write(`${formatFuzzReport(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.routes).toBeGreaterThan(4);
  });
});
