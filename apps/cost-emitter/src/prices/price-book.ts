import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { DIGEST_PREFIX_RE, PriceBookError, SEMVER_RE, modelNameSchema } from '@lynx/schema';

/**
 * The price book (`lynx.prices.yaml`): what one request costs, per model version. Two modes:
 *  - per token: `usd_per_1k_prompt_tokens` + `usd_per_1k_completion_tokens`;
 *  - per accelerator time: `usd_per_gpu_hour` + `gpu_share` (the share of one device the
 *    serving process holds, 0 < share ≤ 1), charged by the upstream's seconds.
 * Entries name a model and at most one selector: `digest` (full or a ≥ 12-hex prefix),
 * `semver`, or `variant` (the version's registry tag `variant`); an entry with no selector
 * prices every version of its model. `default` prices whatever nothing else matches.
 * See docs/COST.md for the grammar and the order in which entries win.
 */

export type Price =
  | { mode: 'tokens'; usdPer1kPrompt: number; usdPer1kCompletion: number }
  | { mode: 'gpu_time'; usdPerGpuHour: number; gpuShare: number };

export type SelectorKind = 'digest' | 'prefix' | 'semver' | 'variant' | 'model';

export interface PriceEntry {
  model: string;
  selector: { kind: SelectorKind; value: string };
  price: Price;
  /** 1-based line of the entry in the file, for messages. */
  line?: number;
}

export interface PriceBook {
  default: Price;
  entries: PriceEntry[];
}

const usd = z
  .number({ error: 'expected a price in USD (a number)' })
  .finite()
  .nonnegative({ error: 'a price must not be negative' });
const share = z
  .number({ error: 'expected gpu_share, a number in (0, 1]' })
  .gt(0, { error: 'gpu_share must be greater than 0' })
  .max(1, { error: 'gpu_share must be at most 1 (one whole device)' });

const priceFields = {
  usd_per_1k_prompt_tokens: usd.optional(),
  usd_per_1k_completion_tokens: usd.optional(),
  usd_per_gpu_hour: usd.optional(),
  gpu_share: share.optional(),
};

type PriceFields = { [K in keyof typeof priceFields]?: number };

const MISSING =
  'missing price: set usd_per_1k_prompt_tokens and usd_per_1k_completion_tokens, or usd_per_gpu_hour and gpu_share';

/** Exactly one complete mode; a half-written mode or both modes is an error naming the field. */
function checkMode(p: PriceFields, ctx: z.RefinementCtx): void {
  const tokenKeys = ['usd_per_1k_prompt_tokens', 'usd_per_1k_completion_tokens'] as const;
  const gpuKeys = ['usd_per_gpu_hour', 'gpu_share'] as const;
  const tokens = tokenKeys.filter((k) => p[k] !== undefined).length;
  const gpu = gpuKeys.filter((k) => p[k] !== undefined).length;
  if (tokens > 0 && gpu > 0) {
    ctx.addIssue({ code: 'custom', message: 'choose one mode: per token or per accelerator time, not both', path: ['usd_per_gpu_hour'] });
  } else if (tokens === 0 && gpu === 0) {
    ctx.addIssue({ code: 'custom', message: MISSING, path: [] });
  } else {
    for (const k of tokens > 0 ? tokenKeys : gpuKeys) {
      if (p[k] === undefined) ctx.addIssue({ code: 'custom', message: `missing price: ${k}`, path: [] });
    }
  }
}

export const priceSchema = z.strictObject(priceFields).superRefine(checkMode);

const entrySchema = z
  .strictObject({
    model: modelNameSchema,
    digest: z.string().regex(DIGEST_PREFIX_RE, { error: 'expected sha256:<64 hex> or a digest prefix of at least 12 hex' }).optional(),
    semver: z.string().regex(SEMVER_RE, { error: 'expected a semver such as v1.2.3' }).optional(),
    variant: z.string().min(1).max(128).optional(),
    ...priceFields,
  })
  .superRefine((e, ctx) => {
    const selectors = (['digest', 'semver', 'variant'] as const).filter((k) => e[k] !== undefined);
    if (selectors.length > 1) {
      ctx.addIssue({ code: 'custom', message: `an entry has at most one of digest, semver, variant (got ${selectors.join(', ')})`, path: [selectors[1]] });
    }
    checkMode(e, ctx);
  });

const bookSchema = z.strictObject({
  version: z.literal(1).optional(),
  default: priceSchema,
  prices: z.array(entrySchema).default([]),
});

/** The price of a validated price-field object (exactly one complete mode, checked before). */
export function toPrice(p: PriceFields): Price {
  if (p.usd_per_gpu_hour !== undefined) return { mode: 'gpu_time', usdPerGpuHour: p.usd_per_gpu_hour, gpuShare: p.gpu_share as number };
  return { mode: 'tokens', usdPer1kPrompt: p.usd_per_1k_prompt_tokens as number, usdPer1kCompletion: p.usd_per_1k_completion_tokens as number };
}

function selectorOf(e: z.infer<typeof entrySchema>): PriceEntry['selector'] {
  if (e.digest !== undefined) {
    const hex = e.digest.replace(/^sha256:/, '');
    return hex.length === 64 ? { kind: 'digest', value: `sha256:${hex}` } : { kind: 'prefix', value: hex };
  }
  if (e.semver !== undefined) return { kind: 'semver', value: e.semver };
  if (e.variant !== undefined) return { kind: 'variant', value: e.variant };
  return { kind: 'model', value: '*' };
}

/** The 1-based line of the deepest node that exists along `path` (a missing key points at its parent). */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as Array<string | number>, true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses and validates price-book text; throws PriceBookError naming `file` and the line that is wrong. */
export function parsePriceBook(text: string, file = 'lynx.prices.yaml'): PriceBook {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = counter.linePos(e.pos[0]).line;
    throw new PriceBookError(`${file}:${line}: invalid YAML: ${e.message.split('\n')[0]}`, file, line);
  }
  const parsed = bookSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, line: lineOf(doc, counter, i.path) }));
    const first = issues[0];
    const where = first.path ? ` (${first.path})` : '';
    throw new PriceBookError(`${file}:${first.line ?? '?'}: ${first.message}${where}`, file, first.line, { issues });
  }
  const entries = parsed.data.prices.map((e, i): PriceEntry => ({
    model: e.model,
    selector: selectorOf(e),
    price: toPrice(e),
    line: lineOf(doc, counter, ['prices', i]),
  }));
  const seen = new Map<string, PriceEntry>();
  for (const e of entries) {
    const key = `${e.model}|${e.selector.kind}|${e.selector.value}`;
    const before = seen.get(key);
    if (before) {
      throw new PriceBookError(
        `${file}:${e.line ?? '?'}: duplicate price for ${e.model} ${e.selector.kind} ${e.selector.value} (first on line ${before.line ?? '?'})`,
        file,
        e.line,
      );
    }
    seen.set(key, e);
  }
  return { default: toPrice(parsed.data.default), entries };
}

/** Reads and validates a price-book file at start. */
export function loadPriceBook(file: string): PriceBook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PriceBookError(`${file}: cannot read the price book: ${(err as Error).message}`, file, undefined);
  }
  return parsePriceBook(text, file);
}
