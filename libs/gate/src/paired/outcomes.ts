import { createHash } from 'node:crypto';
import { DuplicateEvalItemError, ValidationError } from '@lynx/schema';
import type { ItemOutcome } from './types';

/**
 * Per-item outcomes as stored (data/eval/baseline-outcomes.jsonl, the registry's blobs): one
 * `{"id":…,"correct":…}` per line, sorted by id (code-unit order), trailing newline. The same
 * outcomes always give the same bytes, so their digest identifies them.
 */
export function serializeItemOutcomes(outcomes: readonly ItemOutcome[]): string {
  const sorted = [...outcomes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].id === sorted[i - 1].id) throw new DuplicateEvalItemError(`item ${sorted[i].id} has two outcomes; give each item one`, { id: sorted[i].id });
  }
  return sorted.map((o) => `${JSON.stringify({ id: o.id, correct: o.correct })}\n`).join('');
}

/** `sha256:` + hex SHA-256 of serializeItemOutcomes(outcomes). */
export function itemOutcomesDigest(outcomes: readonly ItemOutcome[]): string {
  return `sha256:${createHash('sha256').update(serializeItemOutcomes(outcomes)).digest('hex')}`;
}

/** Parses the JSONL form; refuses malformed lines and duplicate ids with the line number. */
export function parseItemOutcomes(text: string): ItemOutcome[] {
  const out: ItemOutcome[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new ValidationError(`outcomes line ${i + 1} is not JSON; each line must be {"id": "...", "correct": true|false}`);
    }
    const o = v as Partial<ItemOutcome>;
    if (!o || typeof o.id !== 'string' || o.id.length === 0 || typeof o.correct !== 'boolean') {
      throw new ValidationError(`outcomes line ${i + 1} must be {"id": "...", "correct": true|false}`);
    }
    if (seen.has(o.id)) throw new DuplicateEvalItemError(`outcomes line ${i + 1} repeats item ${o.id}; give each item one outcome`, { id: o.id, line: i + 1 });
    seen.add(o.id);
    out.push({ id: o.id, correct: o.correct });
  }
  return out;
}
