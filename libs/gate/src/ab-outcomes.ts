import type { FeedbackEvent, InferenceEvent } from '@lynx/schema';
import type { Judge } from './judge';

/**
 * Each A/B arm's judged outcomes (true = passed) in the order they were judged: the grader's
 * at the answer's time where it can judge the input, a user's `accepted` feedback at the
 * feedback's time otherwise. A request counts once, by its first judgment, so a look once taken
 * (the first n_k of each arm) never changes when later events arrive, and re-running the
 * decision on a longer stream only adds looks. Only `role: ab` answers of `model` since `since`.
 */
export function abOutcomes(
  model: string,
  completions: readonly InferenceEvent[],
  feedback: readonly FeedbackEvent[],
  judge: Judge | undefined,
  since?: string,
): Map<string, boolean[]> {
  const armOf = new Map<string, string>();
  const judged: Array<{ time: string; seq: number; request: string; arm: string; ok: boolean }> = [];
  let seq = 0;
  for (const e of completions) {
    if (e.model !== model || e.role !== 'ab' || (since && e.time < since)) continue;
    armOf.set(e.request_id, e.arm);
    const j = judge?.(e.input, e.output);
    if (j) judged.push({ time: e.time, seq: seq++, request: e.request_id, arm: e.arm, ok: e.status === 'ok' && j.ok });
  }
  for (const f of feedback) {
    if ((f.model !== undefined && f.model !== model) || (since && f.time < since)) continue;
    const arm = armOf.get(f.request_id) ?? (f.role === 'ab' ? f.arm : undefined);
    if (arm) judged.push({ time: f.time, seq: seq++, request: f.request_id, arm, ok: f.accepted });
  }
  judged.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.seq - b.seq));
  const seen = new Set<string>();
  const out = new Map<string, boolean[]>();
  for (const j of judged) {
    if (seen.has(j.request)) continue;
    seen.add(j.request);
    const xs = out.get(j.arm) ?? [];
    xs.push(j.ok);
    out.set(j.arm, xs);
  }
  return out;
}
