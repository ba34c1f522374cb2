import { join } from 'node:path';
import { PriceBookError } from '@lynx/schema';
import { loadPriceBook, parsePriceBook } from './price-book';

function failure(text: string): PriceBookError {
  try {
    parsePriceBook(text, 'prices.yaml');
  } catch (err) {
    if (err instanceof PriceBookError) return err;
    throw err;
  }
  throw new Error('expected the price book to be rejected');
}

const DEFAULT = `default:
  usd_per_1k_prompt_tokens: 0.5
  usd_per_1k_completion_tokens: 1.5
`;

describe('parsePriceBook', () => {
  it('reads the committed example with its per-token, per-accelerator-time and default entries', () => {
    const book = loadPriceBook(join(__dirname, '../../../../lynx.prices.yaml'));
    expect(book.default.mode).toBe('tokens');
    const modes = book.entries.map((e) => `${e.selector.kind}:${e.selector.value}:${e.price.mode}`);
    expect(modes).toEqual(expect.arrayContaining(['variant:base:tokens', 'variant:lora:tokens', 'variant:int8:gpu_time']));
  });

  it('classifies selectors: full digest, prefix, semver, variant, model-wide', () => {
    const hex = 'ab'.repeat(32);
    const book = parsePriceBook(`${DEFAULT}prices:
  - { model: m, digest: "sha256:${hex}", usd_per_gpu_hour: 2, gpu_share: 0.5 }
  - { model: m, digest: "${hex.slice(0, 12)}", usd_per_1k_prompt_tokens: 1, usd_per_1k_completion_tokens: 2 }
  - { model: m, semver: v1.2.3, usd_per_1k_prompt_tokens: 1, usd_per_1k_completion_tokens: 2 }
  - { model: m, variant: lora, usd_per_1k_prompt_tokens: 1, usd_per_1k_completion_tokens: 2 }
  - { model: m, usd_per_1k_prompt_tokens: 1, usd_per_1k_completion_tokens: 2 }
`);
    expect(book.entries.map((e) => e.selector.kind)).toEqual(['digest', 'prefix', 'semver', 'variant', 'model']);
    expect(book.entries[0].price).toEqual({ mode: 'gpu_time', usdPerGpuHour: 2, gpuShare: 0.5 });
    expect(book.entries.map((e) => e.line)).toEqual([5, 6, 7, 8, 9]);
  });

  it('rejects a negative price naming its line', () => {
    const err = failure(`${DEFAULT}prices:
  - model: m
    variant: base
    usd_per_1k_prompt_tokens: 0.1
    usd_per_1k_completion_tokens: -0.2
`);
    expect(err.line).toBe(8);
    expect(err.code).toBe('invalid_price_book');
    expect(err.message).toMatch(/^prices\.yaml:8: a price must not be negative/);
  });

  it('rejects an entry with a missing price naming the entry line', () => {
    const err = failure(`${DEFAULT}prices:
  - model: m
    variant: base
    usd_per_1k_prompt_tokens: 0.1
  - model: m
    variant: int8
    gpu_share: 0.5
`);
    expect(err.line).toBe(5);
    expect(err.message).toContain('missing price: usd_per_1k_completion_tokens');
  });

  it('rejects a missing default, a price that is not a number, both modes, and a share above 1', () => {
    expect(failure('prices: []\n').message).toMatch(/^prices\.yaml:1: .*default/);
    expect(failure(`default:\n  usd_per_1k_prompt_tokens: cheap\n  usd_per_1k_completion_tokens: 1\n`).line).toBe(2);
    expect(failure(`default:\n  usd_per_1k_prompt_tokens: 1\n  usd_per_1k_completion_tokens: 1\n  usd_per_gpu_hour: 1\n  gpu_share: 1\n`).message).toContain('not both');
    expect(failure(`default:\n  usd_per_gpu_hour: 1\n  gpu_share: 2\n`).line).toBe(3);
  });

  it('rejects unknown fields, two selectors, duplicates and broken YAML with their lines', () => {
    expect(failure(`${DEFAULT}prices:\n  - { model: m, variant: a, usd_per_1k_prompt_tokens: 1, usd_per_1k_completion_tokens: 1, discount: 2 }\n`).line).toBe(5);
    expect(failure(`${DEFAULT}prices:\n  - model: m\n    semver: v1.0.0\n    variant: a\n    usd_per_gpu_hour: 1\n    gpu_share: 1\n`).line).toBe(7);
    const dup = failure(`${DEFAULT}prices:\n  - { model: m, variant: a, usd_per_gpu_hour: 1, gpu_share: 1 }\n  - { model: m, variant: a, usd_per_gpu_hour: 2, gpu_share: 1 }\n`);
    expect(dup.message).toMatch(/^prices\.yaml:6: duplicate price .*first on line 5/);
    expect(failure(`default:\n  usd_per_gpu_hour: [1\n`).message).toMatch(/^prices\.yaml:\d+: invalid YAML/);
  });

  it('fails on a file that cannot be read', () => {
    expect(() => loadPriceBook(join(__dirname, 'no-such-prices.yaml'))).toThrow(PriceBookError);
  });
});
