import { createHash } from 'node:crypto';
import type { Actor, NewVersion, RegistryStore, UsageRollup } from './registry-store';

// Part of the RegistryStore contract (called from registry-store.contract.ts): the serving summary
// and the transactional outbox.

const trainer: Actor = { actor: 'alice', role: 'trainer' };
const ci: Actor = { actor: 'ci-bot', role: 'ci' };
const op: Actor = { actor: 'olga', role: 'operator' };
const digestOf = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

function version(model: string, seed: string): NewVersion {
  return {
    model,
    digest: digestOf(`${model}-${seed}`),
    manifest: { files: [{ path: 'w.bin', size: 1, digest: digestOf(`f-${seed}`) }] },
    lineage: { data: [] },
  };
}

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function lcg(seed: number) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

export function describeServingAndOutbox(store: () => RegistryStore, model: () => string): void {
  it('keeps a serving summary equal to the sum of distinct rollups, whatever the retries and concurrency', async () => {
    const s = store();
    const m = model();
    const a = (await s.registerVersion(version(m, 'a'), trainer)).version.digest;
    const b = (await s.registerVersion(version(m, 'b'), trainer)).version.digest;
    const rand = lcg(7);
    const rollups: UsageRollup[] = Array.from({ length: 40 }, (_, i) => {
      const start = new Date(Date.UTC(2025, 0, 1, 0, i * 7 + Math.floor(rand() * 5))).toISOString();
      const end = new Date(Date.parse(start) + 60_000).toISOString();
      const requests = 1 + Math.floor(rand() * 100);
      return {
        rollup_id: `${m}-r${i}`, model: m, digest: i % 3 ? a : b, role: 'primary', window_start: start, window_end: end,
        first_served_at: start, last_served_at: end, requests, errors: Math.floor(rand() * 3),
        prompt_tokens: requests * 11, completion_tokens: requests * 7, cost_usd: Math.round(rand() * 1e6) / 1e6,
      };
    });
    // Every rollup posted twice, all at once: the repeats must be no-ops.
    const results = await Promise.all([...rollups, ...rollups].map((r) => s.recordUsage(r)));
    expect(results.filter((r) => r.created)).toHaveLength(rollups.length);
    const { items: served, next_cursor } = await s.listServed(m);
    expect(next_cursor).toBeNull();
    expect(served.map((x) => x.digest).sort()).toEqual([a, b].sort());
    for (const digest of [a, b]) {
      const mine = rollups.filter((r) => r.digest === digest);
      const tokens = mine.reduce((t, r) => t + r.prompt_tokens + r.completion_tokens, 0);
      const cost = mine.reduce((t, r) => t + r.cost_usd, 0);
      const row = await s.servedVersion(m, digest);
      expect(row).toMatchObject({
        digest,
        requests: mine.reduce((t, r) => t + r.requests, 0),
        errors: mine.reduce((t, r) => t + (r.errors ?? 0), 0),
        tokens,
        first_served: mine.map((r) => r.first_served_at).sort()[0],
        last_served: mine.map((r) => r.last_served_at).sort().reverse()[0],
      });
      expect(row!.cost_per_1k_tokens).toBeCloseTo((cost / tokens) * 1000, 9);
      expect(served.find((x) => x.digest === digest)).toEqual(row);
    }
    expect(served[0].last_served >= served[1].last_served).toBe(true);
    expect(await s.servedVersion(m, digestOf('never-served'))).toBeUndefined();
  });

  it('pages what served by last served then digest, with no duplicate and no gap, to the last page', async () => {
    const s = store();
    const m = model();
    const digests: string[] = [];
    for (let i = 0; i < 11; i++) digests.push((await s.registerVersion(version(m, `p${i}`), trainer)).version.digest);
    // Microsecond instants, and three versions served at the same instant: the cursor must keep
    // the database's precision and break ties by digest.
    const at = (i: number) => (i < 3 ? '2025-03-01T00:00:00.123456Z' : `2025-02-0${1 + (i % 5)}T00:00:0${i % 10}.00000${i % 7}Z`);
    for (const [i, d] of digests.entries()) {
      await s.recordUsage({
        rollup_id: `${m}-p${i}`, model: m, digest: d, role: 'primary', window_start: '2025-01-01T00:00:00Z', window_end: at(i),
        first_served_at: '2025-01-01T00:00:00Z', last_served_at: at(i), requests: i + 1, prompt_tokens: 1, completion_tokens: 1, cost_usd: 0.001,
      });
    }
    const expected = digests
      .map((d, i) => ({ d, t: Date.parse(at(i)) * 1000 + Number(at(i).slice(23, 26)) }))
      .sort((a, b) => b.t - a.t || (a.d < b.d ? 1 : -1))
      .map((x) => x.d);
    for (const limit of [1, 3, 4, 11, 1000]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s.listServed(m, { limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((x) => x.digest));
        cursor = page.next_cursor ?? undefined;
        pages++;
      } while (cursor);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(11 / limit)));
    }
    expect((await s.listServed(m)).items.map((x) => x.digest)).toEqual(expected); // default limit 100
    await expect(s.listServed(m, { cursor: 'garbage' })).rejects.toMatchObject({ code: 'validation_failed', status: 400 });
    await expect(s.listServed(`${m}-ghost`)).rejects.toMatchObject({ code: 'model_not_found', status: 404 });
    const never = (await s.registerVersion(version(`${m}-idle`, 'idle'), trainer)).version;
    expect(await s.listServed(never.model)).toEqual({ items: [], next_cursor: null });
  });

  it('answers the serving of given digests only, most recently served first, without the ones that never served', async () => {
    const s = store();
    const m = model();
    const digests: string[] = [];
    for (let i = 0; i < 5; i++) digests.push((await s.registerVersion(version(m, `o${i}`), trainer)).version.digest);
    for (const [i, d] of digests.slice(0, 4).entries()) {
      const at = `2025-04-0${1 + i}T00:00:00Z`;
      await s.recordUsage({
        rollup_id: `${m}-o${i}`, model: m, digest: d, role: 'primary', window_start: at, window_end: at,
        first_served_at: at, last_served_at: at, requests: i + 1, prompt_tokens: 1, completion_tokens: 1, cost_usd: 0.001,
      });
    }
    const rows = await s.servedOf(m, [digests[0], digests[3], digests[4], digests[0]]);
    expect(rows.map((r) => r.digest)).toEqual([digests[3], digests[0]]);
    expect(rows[0]).toEqual(await s.servedVersion(m, digests[3]));
    expect(await s.servedOf(m, [])).toEqual([]);
    await expect(s.servedOf(`${m}-ghost`, [digests[0]])).rejects.toMatchObject({ code: 'model_not_found', status: 404 });
  });

  it('writes each change\'s event to the outbox in its transaction, in commit order, and none for a refused change', async () => {
    const s = store();
    const m = model();
    const before = new Set((await s.pendingEvents(100_000)).map((e) => e.id));
    const mine = async () => (await s.pendingEvents(100_000)).filter((e) => !before.has(e.id) && e.payload.model === m);

    const x = (await s.registerVersion(version(m, 'x'), trainer)).version.digest;
    await s.registerVersion(version(m, 'x'), trainer); // repeat: no event
    const y = (await s.registerVersion(version(m, 'y'), trainer)).version.digest;
    await s.moveAlias({ model: m, alias: 'staging', digest: x, reason: 'try' }, op);
    await expect(s.moveAlias({ model: m, alias: 'staging', digest: y, expected_digest: y, reason: 'r' }, op)).rejects.toMatchObject({ code: 'alias_conflict' });
    const v = await s.recordVerdict(
      { model: m, digest: x, passed: true, bootstrap: true, baseline_digest: null, eval_set_digest: digestOf('e'), buckets: [] },
      ci,
    );
    await s.promote({ model: m, digest: x, semver: 'v1.0.0', verdict_id: v.id, reason: 'ship', require_verdict: true }, ci);
    await s.promote({ model: m, digest: x, semver: 'v1.0.0', verdict_id: v.id, reason: 'again', require_verdict: true }, ci); // no-op
    await s.putTrafficPlan({ model: m, plan: { strategy: 'single' }, reason: 'start' }, op);

    const events = await mine();
    expect(events.map((e) => [e.payload.type, e.subject])).toEqual([
      ['version.registered', 'lynx.registry.version.registered'],
      ['version.registered', 'lynx.registry.version.registered'],
      ['alias.moved', 'lynx.registry.alias.moved'],
      ['verdict.recorded', 'lynx.registry.verdict.recorded'],
      ['promoted', 'lynx.registry.promoted'],
      ['traffic.changed', 'lynx.registry.traffic.changed'],
    ]);
    expect(events[0].payload).toMatchObject({ model: m, digest: x, actor: 'alice', role: 'trainer' });
    expect(events[2].payload).toMatchObject({ alias: 'staging', from: null, to: x, reason: 'try', actor: 'olga' });
    expect(events[4].payload).toMatchObject({ from: null, to: x, semver: 'v1.0.0', verdict_id: v.id, role: 'ci' });
    expect(events.map((e) => e.event_id)).toEqual(events.map((e) => e.payload.event_id));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    const ids = events.map((e) => e.id);
    expect([...ids].sort((p, q) => p - q)).toEqual(ids);

    await s.markPublished(ids.slice(0, 2));
    expect((await mine()).map((e) => e.id)).toEqual(ids.slice(2));
    await s.markPublished(ids);
    await s.markPublished(ids); // again: harmless
    expect(await mine()).toEqual([]);
  });

  it('prunes only rows published before the cutoff, never an unpublished one', async () => {
    const s = store();
    const m = model();
    await s.registerVersion(version(m, 'p1'), trainer);
    await s.registerVersion(version(m, 'p2'), trainer);
    const [published, waiting] = (await s.pendingEvents(100_000)).filter((e) => e.payload.model === m);
    await s.markPublished([published.id]);

    expect(await s.prunePublishedEvents(new Date(Date.now() - 60_000))).toBe(0); // published since
    expect(await s.prunePublishedEvents(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await s.prunePublishedEvents(new Date(Date.now() + 60_000))).toBe(0);
    expect((await s.pendingEvents(100_000)).filter((e) => e.payload.model === m).map((e) => e.id)).toEqual([waiting.id]);
  });

  it('signals a commit that wrote an event', async () => {
    const s = store();
    let signals = 0;
    const off = s.onEventsCommitted(() => signals++);
    await s.registerVersion(version(model(), 'sig'), trainer);
    off();
    await s.registerVersion(version(model(), 'sig2'), trainer);
    expect(signals).toBe(1);
  });
}
