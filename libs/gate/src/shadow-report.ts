import { wilsonInterval, type Interval } from '@lynx/math';
import type { ShadowPairEvent, ShadowSide } from '@lynx/schema';
import type { Judge } from './judge';
import { percentile } from './percentile';
import { decideShadow, type JudgedPair, type ShadowDecision } from './shadow-decision';

/** A rate with its 95 % Wilson interval (statsmodels proportion_confint(method='wilson')). */
export interface Bucket {
  n: number;
  passed: number;
  accuracy: number;
  ci_lower: number;
  ci_upper: number;
}

export interface ShadowSideSummary {
  digests: string[];
  errors: number;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  tokens: { prompt: number; completion: number; total: number };
  graded: number;
  passed: number;
  accuracy: number | null;
  accuracy_ci: Interval | null;
  buckets: Record<string, Bucket>;
}

export interface ShadowDisagreement {
  request_id: string;
  input: string;
  primary: string;
  shadow: string;
  /** Which side the grader says is right, when it can judge. */
  primary_ok: boolean | null;
  shadow_ok: boolean | null;
}

export interface ShadowReport {
  model: string;
  since: string | null;
  until: string | null;
  pairs: number;
  /** Pairs where both sides answered. */
  compared: number;
  agreed: number;
  agreement_rate: number | null;
  agreement_ci: Interval | null;
  /** Pairs where the judge decided both sides; only these enter the paired test. */
  judged_pairs: number;
  /** Judged pairs where only the primary was right (n10). */
  primary_only_right: number;
  /** Judged pairs where only the shadow was right (n01). */
  shadow_only_right: number;
  /** What the judged pairs support: the headline says "inconclusive: N judged pairs of M needed" until they suffice. */
  decision: ShadowDecision;
  primary: ShadowSideSummary;
  shadow: ShadowSideSummary;
  disagreements: number;
  examples: ShadowDisagreement[];
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');

function summarise(sides: ShadowSide[], judged: Array<{ ok: boolean; buckets: readonly string[] } | undefined>): ShadowSideSummary {
  const latencies = sides.map((s) => s.latency_ms);
  const tokens = { prompt: 0, completion: 0, total: 0 };
  const buckets: Record<string, { n: number; passed: number }> = {};
  let graded = 0;
  let passed = 0;
  sides.forEach((s, i) => {
    tokens.prompt += s.usage?.prompt_tokens ?? 0;
    tokens.completion += s.usage?.completion_tokens ?? 0;
    tokens.total += s.usage?.total_tokens ?? 0;
    const j = judged[i];
    if (!j) return;
    graded++;
    if (j.ok) passed++;
    for (const b of j.buckets) {
      const t = (buckets[b] ??= { n: 0, passed: 0 });
      t.n++;
      if (j.ok) t.passed++;
    }
  });
  const sorted: ShadowSideSummary['buckets'] = {};
  for (const k of Object.keys(buckets).sort()) {
    const { n, passed: ok } = buckets[k];
    const ci = wilsonInterval(ok, n);
    sorted[k] = { n, passed: ok, accuracy: ok / n, ci_lower: ci.lower, ci_upper: ci.upper };
  }
  return {
    digests: [...new Set(sides.map((s) => s.digest))].sort(),
    errors: sides.filter((s) => s.status === 'error').length,
    latency_p50_ms: percentile(latencies, 50) ?? null,
    latency_p99_ms: percentile(latencies, 99) ?? null,
    tokens,
    graded,
    passed,
    accuracy: graded ? passed / graded : null,
    accuracy_ci: graded ? wilsonInterval(passed, graded) : null,
    buckets: sorted,
  };
}

/**
 * The side-by-side report of a shadow rollout from its pair events: agreement (both answered
 * and the answers are equal up to whitespace), per-bucket accuracy of each side where the judge
 * knows the input, disagreements with up to `maxExamples` examples (those the judge can decide
 * first), latency p50/p99 and tokens per side. A side that errored is judged wrong. Rates carry
 * 95 % Wilson intervals. The judged pairs and their discordant counts feed `decision`
 * (`decideShadow`, McNemar's paired test), which says whether they suffice to tell the sides
 * apart by `mde`.
 */
export function buildShadowReport(model: string, pairs: readonly ShadowPairEvent[], judge?: Judge, maxExamples = 20, mde = 0.05): ShadowReport {
  const ordered = [...pairs].sort((a, b) => a.time.localeCompare(b.time));
  const judgeSide = (p: ShadowPairEvent, s: ShadowSide) => {
    const j = judge?.(p.input, s.output);
    return j && s.status === 'error' ? { ok: false, buckets: j.buckets } : j;
  };
  const pj = ordered.map((p) => judgeSide(p, p.primary));
  const sj = ordered.map((p) => judgeSide(p, p.shadow));
  let compared = 0;
  let agreed = 0;
  const disagreements: ShadowDisagreement[] = [];
  ordered.forEach((p, i) => {
    if (p.primary.status !== 'ok' || p.shadow.status !== 'ok') return;
    compared++;
    if (norm(p.primary.output) === norm(p.shadow.output)) {
      agreed++;
      return;
    }
    disagreements.push({
      request_id: p.request_id,
      input: p.input,
      primary: p.primary.output,
      shadow: p.shadow.output,
      primary_ok: pj[i]?.ok ?? null,
      shadow_ok: sj[i]?.ok ?? null,
    });
  });
  // The judged pairs in judged order: the judge decides by the input, so both sides of a pair are
  // judged or neither, but count only pairs with both judgments rather than rely on that.
  const judgedPairs: JudgedPair[] = [];
  ordered.forEach((_, i) => {
    const a = pj[i];
    const b = sj[i];
    if (a && b) judgedPairs.push({ primary_ok: a.ok, shadow_ok: b.ok });
  });
  const decision = decideShadow(judgedPairs, { mde });
  const primary = summarise(ordered.map((p) => p.primary), pj);
  const shadow = summarise(ordered.map((p) => p.shadow), sj);
  const examples = [...disagreements].sort((a, b) => Number(b.primary_ok !== null) - Number(a.primary_ok !== null)).slice(0, maxExamples);
  return {
    model,
    since: ordered[0]?.time ?? null,
    until: ordered[ordered.length - 1]?.time ?? null,
    pairs: ordered.length,
    compared,
    agreed,
    agreement_rate: compared ? agreed / compared : null,
    agreement_ci: compared ? wilsonInterval(agreed, compared) : null,
    judged_pairs: judgedPairs.length,
    primary_only_right: judgedPairs.filter((p) => p.primary_ok && !p.shadow_ok).length,
    shadow_only_right: judgedPairs.filter((p) => !p.primary_ok && p.shadow_ok).length,
    decision,
    primary,
    shadow,
    disagreements: disagreements.length,
    examples,
  };
}
