import { costRowSchema } from './costs';
import { servedResponseSchema } from './registry';

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe('served answer', () => {
  const row = {
    digest: D('a'), semver: 'v1.0.0', first_served: '2026-01-05T10:00:00.000Z', last_served: '2026-01-05T11:00:00.000Z',
    requests: 10, errors: 1, tokens: 1000, latest_accuracy: 0.8, cost_per_1k_tokens: 0.02,
  };
  const page = { model: 'grammar-tutor', versions: [row, { ...row, digest: D('b'), semver: null, latest_accuracy: null, cost_per_1k_tokens: null }], next_cursor: null };

  it('accepts a page as the registry answers it and ignores fields added later', () => {
    expect(servedResponseSchema.parse(page)).toEqual(page);
    expect(servedResponseSchema.parse({ ...page, versions: [{ ...row, new_field: 1 }] }).versions[0]).toEqual(row);
  });

  it.each([
    ['a missing next_cursor', { ...page, next_cursor: undefined }],
    ['negative requests', { ...page, versions: [{ ...row, requests: -1 }] }],
    ['an accuracy above 1', { ...page, versions: [{ ...row, latest_accuracy: 1.5 }] }],
    ['a time without zone', { ...page, versions: [{ ...row, last_served: '2026-01-05T11:00:00' }] }],
  ])('rejects %s', (_, body) => {
    expect(servedResponseSchema.safeParse(body).success).toBe(false);
  });
});

describe('lynx costs row', () => {
  const row = { digest: D('a'), short: 'aaaaaaaaaaaa', semver: null, aliases: ['canary', 'production'], accuracy: 0.8, requests: 4, tokens: 2000, usd_per_1k_tokens: 0.01, cpqu: 0.0125 };

  it('accepts a row, unknown figures as null', () => {
    expect(costRowSchema.parse(row)).toEqual(row);
    expect(costRowSchema.safeParse({ ...row, accuracy: null, usd_per_1k_tokens: null, cpqu: null }).success).toBe(true);
  });

  it('rejects fractional tokens', () => {
    expect(costRowSchema.safeParse({ ...row, tokens: 1.5 }).success).toBe(false);
  });
});
