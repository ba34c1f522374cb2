import { toPrice, priceSchema, type Price, type PriceBook, type PriceEntry } from './price-book';

/** Registry version tag that overrides the price book for that one version (see docs/COST.md). */
export const PRICE_TAG = 'lynx.price';
/** Registry version tag that names a variant (base, lora, int8 …); price-book entries may select on it. */
export const VARIANT_TAG = 'variant';

/** What the registry says about a version, as far as pricing cares. */
export interface VersionFacts {
  semver?: string | null;
  tags?: Record<string, string>;
}

export type PriceSource = 'registry' | 'digest' | 'prefix' | 'semver' | 'variant' | 'model' | 'default';

export interface ResolvedPrice {
  price: Price;
  source: PriceSource;
}

/**
 * Parses a `lynx.price` tag: `usd_per_1k_prompt_tokens=0.0003,usd_per_1k_completion_tokens=0.0009`,
 * `usd_per_gpu_hour=1.2,gpu_share=0.25`, or the same as a JSON object. Undefined when invalid
 * (the caller logs it and falls back to the price book; a bad tag must not stop pricing).
 */
export function parsePriceTag(value: string): Price | undefined {
  let fields: Record<string, unknown>;
  try {
    fields = value.trim().startsWith('{')
      ? (JSON.parse(value) as Record<string, unknown>)
      : Object.fromEntries(
          value.split(',').filter((p) => p.trim() !== '').map((p) => {
            const [k, v] = p.split('=').map((s) => s.trim());
            return [k, v === undefined || v === '' ? undefined : Number(v)];
          }),
        );
  } catch {
    return undefined;
  }
  const parsed = priceSchema.safeParse(fields);
  return parsed.success ? toPrice(parsed.data) : undefined;
}

/**
 * The price of one version. First match wins: the version's `lynx.price` registry tag, then the
 * price book's entry for the full digest, the longest matching digest prefix, the semver, the
 * `variant` tag, the model-wide entry, and last the book's `default` (source `default`: the
 * caller counts these as unknown versions).
 */
export function resolvePrice(book: PriceBook, model: string, digest: string, facts: VersionFacts = {}): ResolvedPrice {
  const tag = facts.tags?.[PRICE_TAG];
  if (tag !== undefined) {
    const price = parsePriceTag(tag);
    if (price) return { price, source: 'registry' };
  }
  const hex = digest.replace(/^sha256:/, '');
  let best: PriceEntry | undefined;
  let bestRank = Infinity;
  for (const e of book.entries) {
    if (e.model !== model) continue;
    const rank = rankOf(e, digest, hex, facts);
    if (rank === undefined) continue;
    // Among prefixes the longer one is more specific.
    if (rank < bestRank || (rank === bestRank && e.selector.kind === 'prefix' && e.selector.value.length > (best?.selector.value.length ?? 0))) {
      best = e;
      bestRank = rank;
    }
  }
  return best ? { price: best.price, source: best.selector.kind } : { price: book.default, source: 'default' };
}

function rankOf(e: PriceEntry, digest: string, hex: string, facts: VersionFacts): number | undefined {
  const { kind, value } = e.selector;
  switch (kind) {
    case 'digest':
      return value === digest ? 0 : undefined;
    case 'prefix':
      return hex.startsWith(value) ? 1 : undefined;
    case 'semver':
      return facts.semver === value ? 2 : undefined;
    case 'variant':
      return facts.tags?.[VARIANT_TAG] === value ? 3 : undefined;
    case 'model':
      return 4;
  }
}
