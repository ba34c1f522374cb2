import { parsePriceBook } from './price-book';
import { parsePriceTag, resolvePrice } from './resolve-price';

const hex = 'cd'.repeat(32);
const digest = `sha256:${hex}`;
const book = parsePriceBook(`default: { usd_per_1k_prompt_tokens: 9, usd_per_1k_completion_tokens: 9 }
prices:
  - { model: m, usd_per_1k_prompt_tokens: 5, usd_per_1k_completion_tokens: 5 }
  - { model: m, variant: lora, usd_per_1k_prompt_tokens: 4, usd_per_1k_completion_tokens: 4 }
  - { model: m, semver: v1.0.0, usd_per_1k_prompt_tokens: 3, usd_per_1k_completion_tokens: 3 }
  - { model: m, digest: "${hex.slice(0, 12)}", usd_per_1k_prompt_tokens: 2.5, usd_per_1k_completion_tokens: 2.5 }
  - { model: m, digest: "${hex.slice(0, 20)}", usd_per_1k_prompt_tokens: 2, usd_per_1k_completion_tokens: 2 }
  - { model: m, digest: "${digest}", usd_per_1k_prompt_tokens: 1, usd_per_1k_completion_tokens: 1 }
`);

const promptPrice = (r: ReturnType<typeof resolvePrice>) => (r.price.mode === 'tokens' ? r.price.usdPer1kPrompt : NaN);

describe('resolvePrice', () => {
  it('prefers registry tag > digest > longest prefix > semver > variant > model-wide > default', () => {
    const facts = { semver: 'v1.0.0', tags: { variant: 'lora' } };
    expect(resolvePrice(book, 'm', digest, { ...facts, tags: { ...facts.tags, 'lynx.price': 'usd_per_gpu_hour=3,gpu_share=0.5' } })).toEqual({
      price: { mode: 'gpu_time', usdPerGpuHour: 3, gpuShare: 0.5 },
      source: 'registry',
    });
    expect(resolvePrice(book, 'm', digest, facts).source).toBe('digest');
    const other = `sha256:${hex.slice(0, 20)}${'0'.repeat(44)}`;
    expect([resolvePrice(book, 'm', other, facts).source, promptPrice(resolvePrice(book, 'm', other, facts))]).toEqual(['prefix', 2]);
    const unrelated = `sha256:${'0'.repeat(64)}`;
    expect(resolvePrice(book, 'm', unrelated, facts).source).toBe('semver');
    expect(resolvePrice(book, 'm', unrelated, { tags: { variant: 'lora' } }).source).toBe('variant');
    expect(resolvePrice(book, 'm', unrelated).source).toBe('model');
    expect([resolvePrice(book, 'other', digest).source, promptPrice(resolvePrice(book, 'other', digest))]).toEqual(['default', 9]);
  });

  it('ignores an invalid registry tag and falls back to the book', () => {
    expect(resolvePrice(book, 'm', digest, { tags: { 'lynx.price': 'usd_per_1k_prompt_tokens=-1' } }).source).toBe('digest');
  });
});

describe('parsePriceTag', () => {
  it('reads key=value and JSON forms, rejects half a mode', () => {
    expect(parsePriceTag('usd_per_1k_prompt_tokens=0.1, usd_per_1k_completion_tokens=0.2')).toEqual({
      mode: 'tokens',
      usdPer1kPrompt: 0.1,
      usdPer1kCompletion: 0.2,
    });
    expect(parsePriceTag('{"usd_per_gpu_hour": 2, "gpu_share": 1}')).toEqual({ mode: 'gpu_time', usdPerGpuHour: 2, gpuShare: 1 });
    expect(parsePriceTag('usd_per_1k_prompt_tokens=0.1')).toBeUndefined();
    expect(parsePriceTag('{oops')).toBeUndefined();
  });
});
