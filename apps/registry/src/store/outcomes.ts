import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '@lynx/tutor';
import { decidePairedGate, itemOutcomesDigest } from '@lynx/gate';
import { DuplicateEvalItemError, IncompleteEvalOutcomesError, UnknownEvalItemError } from '@lynx/schema';
import type { Database } from './db';
import { json } from './mappers';
import type { BaselineBucket, ItemOutcome } from './registry-store';

// Per-item outcomes: their content digest, their checks, and their one table (outcome_sets).

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const LIST_LIMIT = 20;

/** Outcomes sorted by id: the stored and hashed form, so the same outcomes always have one digest. */
export function sortOutcomes(items: ItemOutcome[]): ItemOutcome[] {
  return items.map((i) => ({ id: i.id, correct: i.correct })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The gate's digest of outcomes (@lynx/gate itemOutcomesDigest: their sorted JSONL), so eval_baseline.json's outcomes_digest names the same set. */
export function outcomesDigest(sorted: ItemOutcome[]): string {
  return itemOutcomesDigest(sorted);
}

/** A bucket list in canonical order: buckets by name, item ids sorted. */
export function sortBuckets(buckets: BaselineBucket[]): BaselineBucket[] {
  return buckets.map((b) => ({ name: b.name, item_ids: [...b.item_ids].sort(), gating: b.gating })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The digest of a baseline's content: what the recomputation depends on, nothing else. */
export function baselineContentDigest(c: { alpha: number; buckets: BaselineBucket[]; eval_set_digest: string; outcomes_digest: string; tolerance: number }): string {
  return sha256(canonicalJson({ alpha: c.alpha, buckets: c.buckets, eval_set_digest: c.eval_set_digest, outcomes_digest: c.outcomes_digest, tolerance: c.tolerance }));
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/**
 * Refuses a baseline the paired decision could not use: a repeated item, a bucket naming an item
 * with no outcome, a repeated bucket, an empty bucket, no gating bucket, a bad tolerance or alpha.
 * The check is the decision itself (the baseline against itself), so registration and
 * recomputation can never disagree on what is valid.
 */
export function checkBaselineOutcomes(items: ItemOutcome[], buckets: BaselineBucket[], tolerance: number, alpha: number): void {
  decidePairedGate({ baseline: items, candidate: items, buckets: buckets.map((b) => ({ name: b.name, itemIds: b.item_ids, gating: b.gating })), tolerance, alpha });
}

/**
 * A verdict's outcomes must be exactly the baseline's items: each once, none unknown, none
 * missing — a paired comparison is over the same items or it is not one.
 */
export function checkCandidateOutcomes(baselineItems: ItemOutcome[], items: ItemOutcome[]): void {
  const dup = duplicates(items.map((i) => i.id));
  if (dup.length) throw new DuplicateEvalItemError(`${dup.length} item id(s) appear more than once in the verdict's outcomes`, { items: dup.slice(0, LIST_LIMIT), count: dup.length });
  const known = new Set(baselineItems.map((i) => i.id));
  const unknown = items.filter((i) => !known.has(i.id)).map((i) => i.id);
  if (unknown.length) {
    throw new UnknownEvalItemError(`${unknown.length} item id(s) of the verdict are not in the baseline's eval set`, { items: unknown.slice(0, LIST_LIMIT), count: unknown.length });
  }
  if (items.length !== baselineItems.length) {
    const have = new Set(items.map((i) => i.id));
    const missing = baselineItems.filter((i) => !have.has(i.id)).map((i) => i.id);
    throw new IncompleteEvalOutcomesError(`the verdict has no outcome for ${missing.length} item(s) of the baseline`, { items: missing.slice(0, LIST_LIMIT), count: missing.length });
  }
}

/** Stores an outcome set once (content-addressed: a repeat is a no-op); returns its digest. */
export async function putOutcomes(db: Kysely<Database>, sorted: ItemOutcome[]): Promise<string> {
  const digest = outcomesDigest(sorted);
  await db
    .insertInto('outcome_sets')
    .values({ digest, items: json(sorted), item_count: sorted.length })
    .onConflict((oc) => oc.column('digest').doNothing())
    .execute();
  return digest;
}

export async function getOutcomes(db: Kysely<Database>, digest: string): Promise<ItemOutcome[] | undefined> {
  const row = await db.selectFrom('outcome_sets').select('items').where('digest', '=', digest).executeTakeFirst();
  return row ? (row.items as ItemOutcome[]) : undefined;
}
