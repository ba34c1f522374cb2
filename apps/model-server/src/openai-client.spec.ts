// The model server through the `openai` npm package, as any OpenAI client would use it.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { correct, tokenize } from '@lynx/tutor';
import { sample, startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

const SENTENCE = 'Yesterday he go to school.';

describe('model server with the openai client', () => {
  let f: ModelServerFixture;
  beforeAll(async () => {
    f = await startModelServer();
  });
  afterAll(() => f?.close());

  it('corrects the last user message and counts tokens with the tutor tokenizer', async () => {
    const res = await f.client.chat.completions.create({
      model: 'lora',
      messages: [
        { role: 'system', content: 'You correct verb forms.' },
        { role: 'user', content: 'He goed home.' },
        { role: 'assistant', content: 'He went home.' },
        { role: 'user', content: SENTENCE },
      ],
    });
    const content = res.choices[0].message.content;
    expect(content).toBe('Yesterday he went to school.');
    expect(content).toBe(correct(f.trained.models.lora, SENTENCE).corrected);
    expect(res).toMatchObject({ object: 'chat.completion', model: 'lora', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }] });
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.created).toBeGreaterThan(1_600_000_000);
    expect(res.usage).toEqual({
      prompt_tokens: tokenize(SENTENCE).length,
      completion_tokens: tokenize(content!).length,
      total_tokens: tokenize(SENTENCE).length + tokenize(content!).length,
    });
  });

  it('serves each variant by the model field', async () => {
    const broken = 'She have went to the market.';
    const answers = await Promise.all(
      (['base', 'lora', 'int8', 'regressed'] as const).map(async (model) => {
        const res = await f.client.chat.completions.create({ model, messages: [{ role: 'user', content: broken }] });
        expect(res.model).toBe(model);
        return [model, res.choices[0].message.content] as const;
      }),
    );
    for (const [model, content] of answers) expect(content).toBe(correct(f.trained.models[model], broken).corrected);
  });

  it('streams chunks whose concatenation is the non-streamed answer, then a usage chunk', async () => {
    const whole = await f.client.chat.completions.create({ model: 'lora', messages: [{ role: 'user', content: SENTENCE }] });
    const stream = await f.client.chat.completions.create({
      model: 'lora',
      messages: [{ role: 'user', content: SENTENCE }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0].message.content);
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '').length).toBe(tokenize(text).length);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id)).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(whole.usage);
    expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe('stop');
  });

  it('streams without a usage chunk unless asked', async () => {
    const stream = await f.client.chat.completions.create({ model: 'base', messages: [{ role: 'user', content: SENTENCE }], stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.choices.length === 1 && c.usage == null)).toBe(true);
  });

  it('answers /v1/completions, batched and streamed', async () => {
    const prompts = ['He goed home.', SENTENCE];
    const res = await f.client.completions.create({ model: 'int8', prompt: prompts });
    expect(res.object).toBe('text_completion');
    expect(res.choices.map((c) => c.text)).toEqual(prompts.map((p) => correct(f.trained.models.int8, p).corrected));
    expect(res.usage?.prompt_tokens).toBe(prompts.reduce((n, p) => n + tokenize(p).length, 0));

    const stream = await f.client.completions.create({ model: 'int8', prompt: SENTENCE, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(res.choices[1].text);
    expect(usage).toEqual({ prompt_tokens: 6, completion_tokens: tokenize(text).length, total_tokens: 6 + tokenize(text).length });
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const res = await f.client.chat.completions.create({ model: 'lora', messages: [{ role: 'user', content: SENTENCE }], max_tokens: 3 });
    const full = correct(f.trained.models.lora, SENTENCE).corrected;
    expect(res.choices[0].finish_reason).toBe('length');
    expect(tokenize(res.choices[0].message.content!)).toEqual(tokenize(full).slice(0, 3));
    expect(res.usage?.completion_tokens).toBe(3);
  });

  it('lists loaded variants, the adapter with its parent, like vLLM', async () => {
    const page = await f.client.models.list();
    const byId = Object.fromEntries(page.data.map((m) => [m.id, m as typeof m & { parent: string | null; root: string; digest: string }]));
    expect(Object.keys(byId).sort()).toEqual(['base', 'int8', 'lora', 'regressed']);
    expect(byId.lora).toMatchObject({ object: 'model', parent: 'base', root: f.trained.dirs.lora, digest: f.trained.runs.lora.bundle_digest });
    expect(byId.base).toMatchObject({ parent: null, root: f.trained.dirs.base, digest: f.trained.runs.base.bundle_digest });
  });

  it('counts tokens and requests in vLLM-named metrics, by model', async () => {
    const before = (await f.get('/metrics')).text;
    await f.client.chat.completions.create({ model: 'regressed', messages: [{ role: 'user', content: SENTENCE }] });
    const after = (await f.get('/metrics')).text;
    const m = { model_name: 'regressed' };
    const delta = (name: string, labels: Record<string, string> = m) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('vllm:prompt_tokens_total')).toBe(tokenize(SENTENCE).length);
    expect(delta('vllm:generation_tokens_total')).toBeGreaterThan(0);
    expect(delta('vllm:request_success_total', { ...m, finished_reason: 'stop' })).toBe(1);
    expect(delta('vllm:e2e_request_latency_seconds_count')).toBe(1);
    expect(delta('vllm:time_to_first_token_seconds_count')).toBe(1);
    expect(sample(after, 'vllm:num_requests_running', m)).toBe(0);
    expect(after).toContain('vllm:num_requests_waiting{model_name="regressed"');
    expect(delta('vllm:prompt_tokens_total', { model_name: 'base' })).toBe(0);
  });

  it('answers vLLM /health and Lynx /healthz', async () => {
    expect((await f.get('/health')).status).toBe(200);
    expect(JSON.parse((await f.get('/healthz')).text)).toMatchObject({ status: 'ok', app: 'model-server' });
  });
});
