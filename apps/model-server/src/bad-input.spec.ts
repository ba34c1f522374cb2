// Every bad request gets OpenAI's error shape, the right status and a stable code.
import OpenAI from 'openai';
import { MAX_SENTENCE_CHARS, openAiErrorSchema } from '@lynx/schema';
import { MODEL_SERVER_BODY_LIMIT } from './create-app';
import { startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

const user = (content: unknown) => [{ role: 'user', content }];

describe('model server bad input', () => {
  let f: ModelServerFixture;
  beforeAll(async () => {
    f = await startModelServer();
  });
  afterAll(() => f?.close());

  /** Posts and checks the answer is OpenAI's error shape with this status and code. */
  async function refused(path: string, body: unknown, status: number, code: string) {
    const res = await f.post(path, body);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(openAiErrorSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.error.type).toBe(status === 401 ? 'authentication_error' : 'invalid_request_error');
    return res.body.error as { message: string; param: string | null };
  }

  it('unknown model: 404 model_not_found, which the openai client raises as NotFoundError', async () => {
    const err = await f.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'He go.' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.status).toBe(404);
    expect(err.code).toBe('model_not_found');
    await refused('/v1/completions', { model: 'nope', prompt: 'He go.' }, 404, 'model_not_found');
  });

  it('empty sentence: 400 naming the message', async () => {
    const e = await refused('/v1/chat/completions', { model: 'base', messages: user('   ') }, 400, 'validation_failed');
    expect(e.param).toBe('messages.0.content');
    await refused('/v1/chat/completions', { model: 'base', messages: user(null) }, 400, 'validation_failed');
    await refused('/v1/completions', { model: 'base', prompt: '' }, 400, 'validation_failed');
  });

  it(`oversized sentence (> ${MAX_SENTENCE_CHARS} chars): 400 context_length_exceeded`, async () => {
    const long = 'He go to school. '.repeat(Math.ceil(MAX_SENTENCE_CHARS / 17) + 1);
    await refused('/v1/chat/completions', { model: 'base', messages: user(long) }, 400, 'context_length_exceeded');
    await refused('/v1/completions', { model: 'base', prompt: [long] }, 400, 'context_length_exceeded');
    const fits = 'a'.repeat(MAX_SENTENCE_CHARS);
    expect((await f.post('/v1/chat/completions', { model: 'base', messages: user(fits) })).status).toBe(200);
  });

  it('body over the limit: 413 in OpenAI shape', async () => {
    const huge = { model: 'base', messages: user('x'.repeat(MODEL_SERVER_BODY_LIMIT + 10)) };
    await refused('/v1/chat/completions', huge, 413, 'payload_too_large');
  });

  it('malformed JSON: 400 in OpenAI shape on /v1, Lynx shape elsewhere', async () => {
    await refused('/v1/chat/completions', '{"model": "base", "messages": [', 400, 'bad_request');
    await refused('/v1/load_lora_adapter', '{lora_name', 400, 'bad_request');
    const lynx = await f.post('/healthz', '{bad');
    expect(lynx.status).toBe(400);
    expect(lynx.body.error).toEqual({ code: 'bad_request', message: expect.any(String) });
  });

  it('missing or mistyped fields: 400 naming the field', async () => {
    expect((await refused('/v1/chat/completions', { model: 'base' }, 400, 'validation_failed')).param).toBe('messages');
    expect((await refused('/v1/chat/completions', { model: 'base', messages: [] }, 400, 'validation_failed')).param).toBe('messages');
    expect((await refused('/v1/chat/completions', { messages: user('He go.') }, 400, 'validation_failed')).param).toBe('model');
    expect((await refused('/v1/chat/completions', { model: 5, messages: user('He go.') }, 400, 'validation_failed')).param).toBe('model');
    expect((await refused('/v1/chat/completions', { model: 'base', messages: 'He go.' }, 400, 'validation_failed')).param).toBe('messages');
    expect((await refused('/v1/chat/completions', { model: 'base', messages: user(42) }, 400, 'validation_failed')).param).toBe('messages.0.content');
    expect((await refused('/v1/chat/completions', { model: 'base', messages: [{ role: 'robot', content: 'hi' }] }, 400, 'validation_failed')).param).toBe('messages.0.role');
    expect((await refused('/v1/chat/completions', { model: 'base', messages: user('He go.'), stream: 'yes' }, 400, 'validation_failed')).param).toBe('stream');
    expect((await refused('/v1/chat/completions', { model: 'base', messages: user('He go.'), n: 2 }, 400, 'validation_failed')).param).toBe('n');
    expect((await refused('/v1/completions', { model: 'base', prompt: [1, 2, 3] }, 400, 'validation_failed')).param).toBe('prompt');
    expect((await refused('/v1/chat/completions', [1, 2], 400, 'validation_failed')).param).toBe(null);
  });

  it('no user message: 400', async () => {
    const e = await refused('/v1/chat/completions', { model: 'base', messages: [{ role: 'system', content: 'Be kind.' }] }, 400, 'validation_failed');
    expect(e.param).toBe('messages');
  });

  it('unknown /v1 route: 404 in OpenAI shape', async () => {
    const res = await f.get('/v1/embeddings');
    expect(res.status).toBe(404);
    expect(openAiErrorSchema.safeParse(JSON.parse(res.text)).success).toBe(true);
  });
});
