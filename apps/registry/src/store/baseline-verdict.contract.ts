import { createHash } from 'node:crypto';
import type { LynxError } from '@lynx/schema';
import type { Actor, ItemOutcome, NewBaseline, NewVerdict, RegistryStore } from './registry-store';

// Part of the RegistryStore contract (called from registry-store.contract.ts): registered
// baselines and verdicts the store recomputes from per-item outcomes.

const trainer: Actor = { actor: 'alice', role: 'trainer' };
const ci: Actor = { actor: 'ci-bot', role: 'ci' };
const gate: Actor = { actor: 'gate-svc', role: 'gate' };
const digestOf = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const EVAL = digestOf('eval-set');

/** 400 items, baseline right on 9 in 10; two gating buckets (the first and second half). */
export const IDS = Array.from({ length: 400 }, (_, i) => `item-${String(i).padStart(3, '0')}`);
export const BASE: ItemOutcome[] = IDS.map((id, i) => ({ id, correct: i % 10 !== 0 }));
export const BUCKETS = [
  { name: 'first', item_ids: IDS.slice(0, 200), gating: true },
  { name: 'second', item_ids: IDS.slice(200), gating: true },
  { name: 'tiny', item_ids: IDS.slice(0, 5), gating: false },
];
/** Wrong on 20 % of the second half's items the baseline got right: a regression there. */
export const REGRESSED: ItemOutcome[] = BASE.map((o, i) => ({ id: o.id, correct: o.correct && !(i >= 200 && i % 5 === 1) }));

async function rejects(promise: Promise<unknown>, code: string, status?: number): Promise<LynxError> {
  try {
    await promise;
  } catch (err) {
    const e = err as LynxError;
    expect([e.code, e.message]).toEqual([code, expect.any(String)]);
    if (status) expect(e.status).toBe(status);
    return e;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

export function describeBaselinesAndVerdicts(store: () => RegistryStore, model: () => string, raw: () => (sql: string) => Promise<void>): void {
  const baseline = (m: string, extra: Partial<NewBaseline> = {}): NewBaseline => ({
    model: m, eval_set_digest: EVAL, tolerance: 0.05, alpha: 0.05, items: BASE, buckets: BUCKETS, reason: 'first baseline', ...extra,
  });
  const verdictOf = (m: string, digest: string, items: ItemOutcome[] | undefined, extra: Partial<NewVerdict> = {}): NewVerdict => ({
    model: m, digest, passed: true, bootstrap: false, baseline_digest: null, eval_set_digest: EVAL, buckets: [], source: 'gate', items, ...extra,
  });
  async function line(seed: string) {
    const s = store();
    const m = model();
    const versions = [];
    for (const v of ['a', 'b', 'c']) {
      versions.push(
        (await s.registerVersion({ model: m, digest: digestOf(`${m}-${seed}-${v}`), manifest: { files: [{ path: 'w', size: 1, digest: digestOf(v) }] }, lineage: { data: [] } }, trainer))
          .version.digest,
      );
    }
    return { s, m, versions };
  }

  it('keeps a model baseline history: chained digests, a repeat is a no-op, compare-and-set, append-only', async () => {
    const { s, m } = await line('hist');
    const first = await s.recordBaseline(baseline(m), ci);
    expect(first).toMatchObject({ created: true, baseline: { previous_digest: null, eval_set_digest: EVAL, tolerance: 0.05, actor: 'ci-bot', role: 'ci' } });
    expect(first.baseline.buckets.map((b) => b.name)).toEqual(['first', 'second', 'tiny']);
    expect(await s.getOutcomes(first.baseline.outcomes_digest)).toHaveLength(400);
    // The same content in another order is the same baseline.
    expect(await s.recordBaseline(baseline(m, { items: [...BASE].reverse(), buckets: [...BUCKETS].reverse(), reason: 'again' }), ci)).toMatchObject({
      created: false,
      baseline: { digest: first.baseline.digest },
    });
    await rejects(s.recordBaseline(baseline(m, { tolerance: 0.04, expected_previous_digest: null }), ci), 'baseline_mismatch', 409);
    const second = await s.recordBaseline(baseline(m, { tolerance: 0.04, reason: 'tighter', expected_previous_digest: first.baseline.digest }), ci);
    expect(second.baseline).toMatchObject({ previous_digest: first.baseline.digest, reason: 'tighter' });
    expect((await s.baselineHistory(m)).map((b) => b.digest)).toEqual([first.baseline.digest, second.baseline.digest]);
    expect((await s.currentBaseline(m))?.digest).toBe(second.baseline.digest);
    for (const stmt of [`UPDATE baselines SET reason = 'x'`, `DELETE FROM baselines`, `DELETE FROM outcome_sets`, `TRUNCATE outcome_sets CASCADE`]) {
      await expect(raw()(stmt)).rejects.toThrow(/append-only/);
    }
    expect((await s.listAudit({ model: m })).filter((a) => a.action === 'baseline.updated')).toHaveLength(2);
  });

  it('refuses a baseline it could not decide with, storing nothing', async () => {
    const { s, m } = await line('bad');
    await rejects(s.recordBaseline(baseline(m, { items: [...BASE, BASE[3]] }), ci), 'duplicate_eval_item');
    await rejects(s.recordBaseline(baseline(m, { buckets: [...BUCKETS, { name: 'ghost', item_ids: ['nope'], gating: true }] }), ci), 'unknown_eval_item');
    await rejects(s.recordBaseline(baseline(m, { buckets: BUCKETS.map((b) => ({ ...b, gating: false })) }), ci), 'validation_failed', 400);
    await rejects(s.recordBaseline(baseline('ghost-model'), ci), 'model_not_found', 404);
    expect(await s.baselineHistory(m)).toEqual([]);
  });

  it('recomputes verdicts: a tampered pass, unknown, duplicate or missing items are refused and nothing is stored', async () => {
    const { s, m, versions } = await line('tamper');
    await rejects(s.recordVerdict(verdictOf(m, versions[0], BASE, { strict: true }), gate), 'baseline_required', 409);
    expect(await s.recordVerdict(verdictOf(m, versions[2], BASE), gate)).toMatchObject({ outcomes_digest: null, decision: null });
    const b = (await s.recordBaseline(baseline(m), ci)).baseline;
    await rejects(s.recordVerdict(verdictOf(m, versions[0], REGRESSED), gate), 'verdict_not_passing', 409);
    await rejects(s.recordVerdict(verdictOf(m, versions[0], [...BASE.slice(1), { id: 'stranger', correct: true }]), gate), 'unknown_eval_item');
    await rejects(s.recordVerdict(verdictOf(m, versions[0], [...BASE, BASE[0]]), gate), 'duplicate_eval_item');
    await rejects(s.recordVerdict(verdictOf(m, versions[0], BASE.slice(1)), gate), 'incomplete_eval_outcomes');
    await rejects(s.recordVerdict(verdictOf(m, versions[0], BASE, { eval_set_digest: digestOf('other-set') }), gate), 'eval_set_mismatch', 409);
    await rejects(s.recordVerdict(verdictOf(m, versions[0], BASE, { registered_baseline_digest: digestOf('old') }), gate), 'baseline_mismatch', 409);
    expect((await s.listVerdicts(m)).map((v) => v.digest)).toEqual([versions[2]]);
    // An honest refusal is kept, with the registry's own recomputation.
    const refused = await s.recordVerdict(verdictOf(m, versions[0], REGRESSED, { passed: false }), gate);
    expect(refused).toMatchObject({ passed: false, source: 'gate', registered_baseline_digest: b.digest, decision: { verdict: 'fail', not_passing: [{ bucket: 'second', verdict: 'fail' }] } });
    const passed = await s.recordVerdict(verdictOf(m, versions[1], BASE), gate);
    expect(passed).toMatchObject({ passed: true, outcomes_digest: b.outcomes_digest, decision: { verdict: 'pass' } });
  });

  it('promotes in strict mode only on a trusted verdict that recomputes to a pass against the current baseline', async () => {
    const { s, m, versions } = await line('strict');
    const [a, b, c] = versions;
    const promote = (digest: string, semver: string, verdict_id: string) =>
      s.promote({ model: m, digest, semver, verdict_id, reason: 'ship', require_verdict: true, strict: true }, ci);
    const boot = await s.recordVerdict(verdictOf(m, a, undefined, { bootstrap: true, source: 'ci_token' }), ci);
    await rejects(promote(a, 'v1.0.0', boot.id), 'verdict_untrusted_source', 409);
    const bootOk = await s.recordVerdict(verdictOf(m, a, undefined, { bootstrap: true, source: 'ci_oidc' }), ci);
    await promote(a, 'v1.0.0', bootOk.id);
    // A gate verdict without outcomes cannot be recomputed: in strict mode it needs a baseline, then outcomes.
    const bare = await s.recordVerdict(verdictOf(m, b, undefined), gate);
    await rejects(promote(b, 'v1.1.0', bare.id), 'baseline_required', 409);
    const reg = (await s.recordBaseline(baseline(m), ci)).baseline;
    await rejects(promote(b, 'v1.1.0', bare.id), 'baseline_mismatch', 409);
    const good = await s.recordVerdict(verdictOf(m, b, BASE), gate);
    await rejects(promote(c, 'v1.1.0', good.id), 'digest_mismatch', 409);
    const fromToken = await s.recordVerdict(verdictOf(m, b, BASE, { source: 'ci_token' }), ci);
    await rejects(promote(b, 'v1.1.0', fromToken.id), 'verdict_untrusted_source', 409);
    // The baseline moves after the verdict was computed: the verdict is stale.
    await s.recordBaseline(baseline(m, { tolerance: 0.04, reason: 'tighter' }), ci);
    await rejects(promote(b, 'v1.1.0', good.id), 'baseline_mismatch', 409);
    expect((await s.resolve(m, 'production')).digest).toBe(a);
    const fresh = await s.recordVerdict(verdictOf(m, b, BASE), gate);
    const move = await promote(b, 'v1.1.0', fresh.id);
    expect(move).toMatchObject({ kind: 'promote', from_digest: a, to_digest: b, verdict_id: fresh.id });
    expect(reg.digest).not.toBe(fresh.registered_baseline_digest);
  });

  it('serializes a promotion racing a baseline update: the promote lands first or is refused as stale', async () => {
    const { s, m, versions } = await line('race');
    await s.recordBaseline(baseline(m), ci);
    const v = await s.recordVerdict(verdictOf(m, versions[0], BASE), gate);
    const [promoted, updated] = await Promise.allSettled([
      s.promote({ model: m, digest: versions[0], semver: 'v1.0.0', verdict_id: v.id, reason: 'ship', require_verdict: true, strict: true }, gate),
      s.recordBaseline(baseline(m, { tolerance: 0.04, reason: 'moved' }), ci),
    ]);
    expect(updated.status).toBe('fulfilled');
    const actions = (await s.listAudit({ model: m })).map((e) => e.action).reverse();
    if (promoted.status === 'fulfilled') {
      expect(actions.indexOf('promote')).toBeLessThan(actions.lastIndexOf('baseline.updated'));
    } else {
      expect((promoted.reason as LynxError).code).toBe('baseline_mismatch');
      expect(actions).not.toContain('promote');
      await expect(s.resolve(m, 'production')).rejects.toMatchObject({ code: 'alias_not_found' });
    }
  });

  it('recomputes in relaxed mode once the model has a baseline, and marks a promote without a verdict as dev_bypass', async () => {
    const { s, m, versions } = await line('relaxed');
    const dev = await s.promote({ model: m, digest: versions[0], semver: 'v0.1.0-dev', reason: 'try', require_verdict: false }, trainer);
    expect(dev.to_digest).toBe(versions[0]);
    const [entry] = await s.listAudit({ model: m, limit: 1 });
    expect(entry).toMatchObject({ action: 'promote', after: { dev_bypass: true } });
    await s.recordBaseline(baseline(m), ci);
    const refused = await s.recordVerdict(verdictOf(m, versions[1], REGRESSED, { passed: false, source: 'trainer_token' }), trainer);
    await rejects(s.promote({ model: m, digest: versions[1], semver: 'v0.2.0', verdict_id: refused.id, reason: 'r', require_verdict: true }, ci), 'verdict_not_passing', 409);
  });
}
