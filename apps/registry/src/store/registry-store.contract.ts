import { createHash, randomUUID } from 'node:crypto';
import type { LynxError } from '@lynx/schema';
import type { Actor, NewVersion, RegistryStore } from './registry-store';
import { describeBaselinesAndVerdicts } from './baseline-verdict.contract';
import { describeServingAndOutbox } from './serving-outbox.contract';

export interface StoreFixture {
  store: RegistryStore;
  /** Runs SQL directly against the backend, bypassing the store (append-only checks). */
  raw(sqlText: string): Promise<void>;
  cleanup(): Promise<void>;
}

const trainer: Actor = { actor: 'alice', role: 'trainer' };
const ci: Actor = { actor: 'ci-bot', role: 'ci' };

export const fakeDigest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

function newVersion(model: string, seed: string, extra: Partial<NewVersion> = {}): NewVersion {
  const file = fakeDigest(`file-${seed}`);
  return {
    model,
    digest: fakeDigest(`bundle-${seed}`),
    manifest: { files: [{ path: 'weights.bin', size: 10, digest: file }] },
    lineage: { run_id: `run-${seed}`, data: [{ name: 'train', digest: fakeDigest('data') }] },
    ...extra,
  };
}

async function rejects(promise: Promise<unknown>, code: string, status?: number): Promise<LynxError> {
  try {
    await promise;
  } catch (err) {
    const e = err as LynxError;
    expect(e.code).toBe(code);
    if (status) expect(e.status).toBe(status);
    return e;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

/** The one behaviour every RegistryStore backend must show. */
export function describeRegistryStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`RegistryStore contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: RegistryStore;
    const model = () => `m-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      fx = await makeStore();
      store = fx.store;
    });
    afterAll(async () => {
      await fx?.cleanup();
    });

    async function verdict(m: string, digest: string, passed = true, bootstrap = false) {
      return store.recordVerdict(
        { model: m, digest, passed, bootstrap, baseline_digest: fakeDigest('base'), eval_set_digest: fakeDigest('eval'), buckets: [] },
        ci,
      );
    }

    async function promoted(m: string, seed: string, semver: string, bootstrap = false) {
      const { version } = await store.registerVersion(newVersion(m, seed), trainer);
      const v = await verdict(m, version.digest, true, bootstrap);
      await store.promote({ model: m, digest: version.digest, semver, verdict_id: v.id, reason: 'ship', require_verdict: true }, ci);
      return version.digest;
    }

    it('migrations are idempotent', async () => {
      await expect(store.migrate()).resolves.toBeUndefined();
    });

    it('registers a version once, whatever the metadata of a repeat', async () => {
      const m = model();
      const first = await store.registerVersion(newVersion(m, 'a', { tags: { stage: 'exp' }, metrics: { acc: 0.9 } }), trainer);
      expect(first.created).toBe(true);
      expect(first.version).toMatchObject({ model: m, status: 'registered', semver: null, size: 10, file_count: 1, tags: { stage: 'exp' } });
      const again = await store.registerVersion(newVersion(m, 'a', { tags: { other: 'x' }, description: 'changed' }), trainer);
      expect(again.created).toBe(false);
      expect(again.version.tags).toEqual({ stage: 'exp' });
      expect(again.version.description).toBeNull();
      expect((await store.getManifest(m, first.version.digest))?.files[0].path).toBe('weights.bin');
      const audit = await store.listAudit({ model: m });
      expect(audit.filter((a) => a.action === 'version.registered')).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: 'alice', role: 'trainer', digest: first.version.digest });
    });

    it('lists models and pages versions newest first with filters', async () => {
      const m = model();
      for (let i = 0; i < 5; i++) {
        await store.registerVersion(newVersion(m, `p${i}`, { tags: i % 2 ? { team: 'nlp' } : { team: 'cv', odd: 'no' } }), trainer);
      }
      const summary = (await store.listModels()).find((s) => s.name === m);
      expect(summary).toMatchObject({ version_count: 5, latest_digest: fakeDigest('bundle-p4'), production_digest: null });
      const first = await store.listVersions(m, { limit: 2 });
      expect(first.items.map((v) => v.digest)).toEqual([fakeDigest('bundle-p4'), fakeDigest('bundle-p3')]);
      // A page arrives as one json value, a single version as a row: the same record either way
      // (timestamps, int8 sizes, jsonb fields, aliases).
      await store.moveAlias({ model: m, alias: 'canary', digest: fakeDigest('bundle-p4'), reason: 'try' }, trainer);
      const paged = (await store.listVersions(m, { limit: 1 })).items[0];
      expect(paged).toEqual(await store.getVersion(m, fakeDigest('bundle-p4')));
      expect(paged).toMatchObject({ size: 10, file_count: 1, tags: { team: 'cv', odd: 'no' }, aliases: ['canary'] });
      const second = await store.listVersions(m, { limit: 2, cursor: first.next_cursor as string });
      expect(second.items.map((v) => v.digest)).toEqual([fakeDigest('bundle-p2'), fakeDigest('bundle-p1')]);
      const last = await store.listVersions(m, { limit: 2, cursor: second.next_cursor as string });
      expect(last.items).toHaveLength(1);
      expect(last.next_cursor).toBeNull();
      expect((await store.listVersions(m, { tag: 'team=nlp' })).items).toHaveLength(2);
      expect((await store.listVersions(m, { tag: 'odd' })).items).toHaveLength(3);
      await store.moveAlias({ model: m, alias: 'staging', digest: fakeDigest('bundle-p1'), reason: 'try' }, trainer);
      const staged = await store.listVersions(m, { alias: 'staging' });
      expect(staged.items.map((v) => [v.digest, v.aliases])).toEqual([[fakeDigest('bundle-p1'), ['staging']]]);
      expect((await store.listVersions(m, { status: 'production' })).items).toHaveLength(0);
      await rejects(store.listVersions(m, { cursor: 'garbage' }), 'validation_failed', 400);
      await rejects(store.listVersions('no-such-model'), 'model_not_found', 404);
    });

    it('resolves digests, prefixes, semvers and aliases', async () => {
      const m = model();
      const a = `sha256:abcdef012345${'0'.repeat(52)}`;
      const b = `sha256:abcdef012345${'1'.repeat(52)}`;
      await store.registerVersion(newVersion(m, 'r1', { digest: a }), trainer);
      await store.registerVersion(newVersion(m, 'r2', { digest: b }), trainer);
      expect((await store.resolve(m, a)).digest).toBe(a);
      expect((await store.resolve(m, 'abcdef0123450')).digest).toBe(a);
      expect((await store.resolve(m, 'sha256:abcdef0123451')).digest).toBe(b);
      const amb = await rejects(store.resolve(m, 'abcdef012345'), 'ambiguous_reference', 409);
      expect((amb.details as { matches: string[] }).matches).toEqual([a, b]);
      await store.moveAlias({ model: m, alias: 'candidate', digest: b, reason: 'r' }, trainer);
      expect((await store.resolve(m, 'candidate')).digest).toBe(b);
      const v = await verdict(m, a, true, true);
      await store.promote({ model: m, digest: a, semver: 'v1.0.0', verdict_id: v.id, reason: 'r', require_verdict: true }, ci);
      expect((await store.resolve(m, 'v1.0.0')).digest).toBe(a);
      expect((await store.resolve(m, 'production')).aliases).toEqual(['production']);
      await rejects(store.resolve(m, 'v9.9.9'), 'version_not_found', 404);
      await rejects(store.resolve(m, fakeDigest('nope')), 'version_not_found', 404);
      await rejects(store.resolve(m, 'fedcba9876543210'), 'version_not_found', 404);
      await rejects(store.resolve(m, 'nightly'), 'alias_not_found', 404);
      await rejects(store.resolve(m, 'SHA256:ABC'), 'validation_failed', 400);
      await rejects(store.resolve('ghost', a), 'model_not_found', 404);
    });

    it('moves aliases by compare-and-set and never moves production that way', async () => {
      const m = model();
      const x = (await store.registerVersion(newVersion(m, 'x'), trainer)).version.digest;
      const y = (await store.registerVersion(newVersion(m, 'y'), trainer)).version.digest;
      const op: Actor = { actor: 'olga', role: 'operator' };
      const first = await store.moveAlias({ model: m, alias: 'staging', digest: x, expected_digest: null, reason: 'first' }, op);
      expect(first).toMatchObject({ from_digest: null, to_digest: x, kind: 'move', actor: 'olga', role: 'operator', reason: 'first' });
      await rejects(store.moveAlias({ model: m, alias: 'staging', digest: y, expected_digest: null, reason: 'r' }, op), 'alias_conflict', 409);
      await rejects(store.moveAlias({ model: m, alias: 'staging', digest: y, expected_digest: y, reason: 'r' }, op), 'alias_conflict', 409);
      await store.moveAlias({ model: m, alias: 'staging', digest: y, expected_digest: x, reason: 'second' }, op);
      expect(await store.moveAlias({ model: m, alias: 'staging', digest: y, reason: 'same' }, op)).toBeNull();
      await rejects(store.moveAlias({ model: m, alias: 'production', digest: y, reason: 'r' }, op), 'protected_alias', 409);
      await rejects(store.moveAlias({ model: m, alias: 'staging', digest: fakeDigest('zz'), reason: 'r' }, op), 'version_not_found', 404);
      await rejects(store.moveAlias({ model: m, alias: 'Bad Name', digest: x, reason: 'r' }, op), 'validation_failed', 400);
      const history = await store.aliasHistory(m, 'staging');
      expect(history.map((h) => [h.from_digest, h.to_digest, h.reason])).toEqual([
        [null, x, 'first'],
        [x, y, 'second'],
      ]);
      expect((await store.getAliases(m)).map((a) => [a.alias, a.digest])).toEqual([['staging', y]]);
      await rejects(store.aliasHistory(m, 'nightly'), 'alias_not_found', 404);
      const audit = await store.listAudit({ model: m });
      expect(audit[0]).toMatchObject({ action: 'alias.moved', before: { alias: 'staging', digest: x }, after: { digest: y } });
    });

    it('promotes only with a passing verdict for that digest, bootstrap only before production exists', async () => {
      const m = model();
      const a = (await store.registerVersion(newVersion(m, 'pa'), trainer)).version.digest;
      const b = (await store.registerVersion(newVersion(m, 'pb'), trainer)).version.digest;
      const base = { model: m, digest: a, semver: 'v0.1.0', reason: 'r', require_verdict: true };
      await rejects(store.promote(base, ci), 'verdict_required', 409);
      await rejects(store.promote({ ...base, verdict_id: (await verdict(m, a, false)).id }, ci), 'verdict_not_passing', 409);
      await rejects(store.promote({ ...base, verdict_id: (await verdict(m, b, true)).id }, ci), 'digest_mismatch', 409);
      await rejects(store.promote({ ...base, verdict_id: randomUUID() }, ci), 'verdict_required');
      const boot = await verdict(m, a, true, true);
      const move = await store.promote({ ...base, verdict_id: boot.id }, ci);
      expect(move).toMatchObject({ kind: 'promote', from_digest: null, to_digest: a, verdict_id: boot.id, semver: 'v0.1.0' });
      expect(await store.promote({ ...base, verdict_id: boot.id }, ci)).toMatchObject({ id: move.id });
      const bootB = await verdict(m, b, true, true);
      await rejects(store.promote({ ...base, digest: b, semver: 'v0.2.0', verdict_id: bootB.id }, ci), 'verdict_required');
      const good = await verdict(m, b, true);
      await store.promote({ ...base, digest: b, semver: 'v0.2.0', verdict_id: good.id }, ci);
      expect((await store.getVersion(m, a))?.status).toBe('superseded');
      expect((await store.getVersion(m, b))).toMatchObject({ status: 'production', semver: 'v0.2.0', aliases: ['production'] });
      expect((await store.listModels()).find((s) => s.name === m)?.production_digest).toBe(b);
      const audit = await store.listAudit({ model: m });
      expect(audit.filter((e) => e.action === 'verdict.refused')).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'promote', actor: 'ci-bot', role: 'ci', before: { digest: a }, after: { digest: b } });
    });

    it('keeps semvers unique and increasing, dev semvers aside', async () => {
      const m = model();
      await promoted(m, 's1', 'v1.2.0', true);
      const digest = (await store.registerVersion(newVersion(m, 's2'), trainer)).version.digest;
      const v = await verdict(m, digest);
      const p = { model: m, digest, verdict_id: v.id, reason: 'r', require_verdict: true };
      await rejects(store.promote({ ...p, semver: 'v1.2.0' }, ci), 'semver_conflict', 409);
      await rejects(store.promote({ ...p, semver: 'v1.1.9' }, ci), 'semver_conflict', 409);
      await rejects(store.promote({ ...p, semver: 'v1.2.0-rc.1' }, ci), 'semver_conflict', 409);
      await rejects(store.promote({ ...p, semver: '1.3.0' }, ci), 'invalid_semver', 400);
      await rejects(store.promote({ ...p, semver: 'v01.3.0' }, ci), 'invalid_semver', 400);
      const dev = (await store.registerVersion(newVersion(m, 's3'), trainer)).version.digest;
      await store.promote({ model: m, digest: dev, semver: 'v0.0.1-dev', reason: 'try', require_verdict: false }, trainer);
      await store.promote({ ...p, semver: 'v1.10.0' }, ci);
      await rejects(store.promote({ ...p, semver: 'v1.11.0' }, ci), 'semver_conflict');
      expect((await store.resolve(m, 'v1.10.0')).digest).toBe(digest);
      // A -dev name gives way to a release name (with a verdict), never the other way round.
      const release = { model: m, digest: dev, semver: 'v1.12.0', reason: 'r', require_verdict: true };
      await rejects(store.promote(release, ci), 'verdict_required');
      await store.promote({ ...release, verdict_id: (await verdict(m, dev)).id }, ci);
      expect((await store.getVersion(m, dev))?.semver).toBe('v1.12.0');
      await rejects(store.promote({ ...release, semver: 'v1.13.0-dev' }, trainer), 'semver_conflict');
    });

    it('rolls back to the previous production version or a named earlier one', async () => {
      const m = model();
      const op: Actor = { actor: 'olga', role: 'operator' };
      await rejects(store.rollback({ model: m, reason: 'r' }, op), 'model_not_found', 404);
      const a = await promoted(m, 'ra', 'v1.0.0', true);
      await rejects(store.rollback({ model: m, reason: 'r' }, op), 'rollback_target_invalid', 409);
      const b = await promoted(m, 'rb', 'v1.1.0');
      const c = await promoted(m, 'rc', 'v1.2.0');
      const never = (await store.registerVersion(newVersion(m, 'rn'), trainer)).version.digest;
      await rejects(store.rollback({ model: m, to: never, reason: 'r' }, op), 'rollback_target_invalid', 409);
      await rejects(store.rollback({ model: m, to: 'v1.2.0', reason: 'r' }, op), 'rollback_target_invalid', 409);
      const back = await store.rollback({ model: m, reason: 'errors up' }, op);
      expect(back).toMatchObject({ kind: 'rollback', from_digest: c, to_digest: b, semver: 'v1.1.0', actor: 'olga', reason: 'errors up' });
      expect((await store.getVersion(m, c))?.status).toBe('rolled_back');
      const again = await store.rollback({ model: m, reason: 'still bad' }, op);
      expect(again.to_digest).toBe(a);
      await store.rollback({ model: m, to: 'v1.2.0', reason: 'fixed upstream' }, op);
      expect((await store.resolve(m, 'production')).digest).toBe(c);
      const kinds = (await store.aliasHistory(m, 'production')).map((h) => h.kind);
      expect(kinds).toEqual(['promote', 'promote', 'promote', 'rollback', 'rollback', 'rollback']);
    });

    it('refuses to update or delete append-only rows', async () => {
      const m = model();
      await promoted(m, 'ao', 'v1.0.0', true);
      for (const table of ['alias_history', 'audit', 'verdicts']) {
        await expect(fx.raw(`UPDATE ${table} SET model = 'x' WHERE model = '${m}'`)).rejects.toThrow(/append-only/);
        await expect(fx.raw(`DELETE FROM ${table} WHERE model = '${m}'`)).rejects.toThrow(/append-only/);
      }
      expect(await store.aliasHistory(m, 'production')).toHaveLength(1);
    });

    it('stores evaluations and verdicts', async () => {
      const m = model();
      const d = (await store.registerVersion(newVersion(m, 'ev'), trainer)).version.digest;
      const e = await store.addEvaluation({ model: m, digest: d, eval_set_digest: fakeDigest('eval'), result: { accuracy: 0.91 } }, ci);
      expect((await store.listEvaluations(m, d)).map((x) => [x.id, x.result])).toEqual([[e.id, { accuracy: 0.91 }]]);
      const v = await verdict(m, d, false);
      expect(await store.getVerdict(v.id)).toMatchObject({ passed: false, bootstrap: false, digest: d, created_by: 'ci-bot' });
      expect(await store.getVerdict(randomUUID())).toBeUndefined();
      expect((await store.listVerdicts(m, d)).map((x) => x.id)).toEqual([v.id]);
    });

    it('aggregates usage rollups idempotently into served stats', async () => {
      const m = model();
      const d = (await store.registerVersion(newVersion(m, 'u1'), trainer)).version.digest;
      const roll = (id: string, start: string, end: string, requests: number) => ({
        rollup_id: id, model: m, digest: d, role: 'primary', window_start: start, window_end: end,
        first_served_at: start, last_served_at: end, requests, errors: 1,
        prompt_tokens: requests * 60, completion_tokens: requests * 40, cost_usd: requests * 0.01,
      });
      expect(await store.recordUsage(roll(`${m}-1`, '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', 10))).toEqual({ created: true });
      expect(await store.recordUsage(roll(`${m}-1`, '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', 10))).toEqual({ created: false });
      await store.recordUsage(roll(`${m}-2`, '2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z', 30));
      expect((await store.listServed(m)).items[0].latest_accuracy).toBeNull();
      await store.addEvaluation({ model: m, digest: d, eval_set_digest: fakeDigest('e'), result: { overall: { accuracy: 0.8 } } }, ci);
      await store.addEvaluation({ model: m, digest: d, eval_set_digest: fakeDigest('e'), result: { overall: { accuracy: 0.9 } } }, ci);
      await store.recordUsage(roll(`${m}-3`, '2025-01-01T02:00:00Z', '2025-01-01T03:00:00Z', 5));
      const [served] = (await store.listServed(m)).items;
      expect(served).toMatchObject({
        digest: d, requests: 45, errors: 3, tokens: 4500, latest_accuracy: 0.9,
        first_served: '2025-01-01T00:00:00.000Z', last_served: '2025-01-01T03:00:00.000Z',
      });
      expect(served.cost_per_1k_tokens).toBeCloseTo(0.1, 10);
    });

    it('keeps the current traffic plan and its history, with optional revision check', async () => {
      const m = model();
      await store.registerVersion(newVersion(m, 't1'), trainer);
      expect(await store.getTrafficPlan(m)).toBeUndefined();
      const op: Actor = { actor: 'olga', role: 'operator' };
      const r1 = await store.putTrafficPlan({ model: m, plan: { strategy: 'single' }, expected_revision: 0, reason: 'start' }, op);
      expect(r1.revision).toBe(1);
      await rejects(store.putTrafficPlan({ model: m, plan: { strategy: 'single' }, expected_revision: 0 }, op), 'conflict', 409);
      await store.putTrafficPlan({ model: m, plan: { strategy: 'shadow', percent: 10 } }, op);
      expect(await store.getTrafficPlan(m)).toMatchObject({ revision: 2, plan: { strategy: 'shadow', percent: 10 }, updated_by: 'olga' });
      expect((await store.trafficPlanHistory(m)).map((h) => [h.revision, h.reason])).toEqual([[1, 'start'], [2, null]]);
      await rejects(store.putTrafficPlan({ model: 'ghost', plan: {} }, op), 'model_not_found', 404);
    });

    it('serializes 20 concurrent promotions into one consistent production history', async () => {
      const m = model();
      const digests: string[] = [];
      for (let i = 0; i < 20; i++) digests.push((await store.registerVersion(newVersion(m, `c${i}`), trainer)).version.digest);
      await Promise.all(
        digests.map((digest, i) =>
          store.promote({ model: m, digest, semver: `v0.0.${i}-dev`, reason: `p${i}`, require_verdict: false }, trainer),
        ),
      );
      const history = await store.aliasHistory(m, 'production');
      expect(history).toHaveLength(20);
      expect(new Set(history.map((h) => h.to_digest)).size).toBe(20);
      history.forEach((h, i) => expect(h.from_digest).toBe(i === 0 ? null : history[i - 1].to_digest));
      expect((await store.resolve(m, 'production')).digest).toBe(history[19].to_digest);
      const statuses = (await store.listVersions(m, { limit: 100 })).items.map((v) => v.status).sort();
      expect(statuses.filter((s) => s === 'production')).toHaveLength(1);
    });

    it('registers one version for 20 concurrent pushes of the same bundle', async () => {
      const m = model();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.registerVersion(newVersion(m, 'same'), trainer)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await store.listVersions(m)).items).toHaveLength(1);
      expect((await store.listAudit({ model: m })).filter((a) => a.action === 'version.registered')).toHaveLength(1);
    });

    describeServingAndOutbox(() => store, model);
    describeBaselinesAndVerdicts(() => store, model, () => fx.raw);
  });
}
