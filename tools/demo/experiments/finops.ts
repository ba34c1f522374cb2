import * as fs from 'node:fs';
import * as path from 'node:path';
import { costRowSchema, type ServedResponse } from '@lynx/schema';
import { type DemoContext, MODEL, VARIANTS, http, lynx } from '../context';
import type { Manifest } from '../manifest';
import { replay, setPlan, version } from '../steps';
import { waitFor } from '../wait';
import { sha256File } from './files';

/** Requests the registry says the model's versions served, over all runs on this data dir. */
export async function servedTotal(ctx: DemoContext): Promise<number> {
  let total = 0;
  let cursor: string | null | undefined = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const url = `${ctx.urls.registry}/v1/models/${MODEL}/served?limit=1000${q}`;
    // Undefined on an error answer, e.g. 404 while the model is not pushed yet: nothing more to count.
    const page = await http<ServedResponse>(ctx, undefined, 'reader', 'GET', url, undefined, { expect: undefined }).then((r) => r.body, () => undefined);
    total += (page?.versions ?? []).reduce((s, v) => s + v.requests, 0);
    cursor = page?.next_cursor;
  } while (cursor);
  return total;
}

/** Attaches an eval result to every version that has none, so each row has an accuracy for CpQU. */
async function evaluateAll(ctx: DemoContext, m: Manifest, digests: string[]): Promise<void> {
  for (const digest of digests) {
    if ((await version(ctx, digest))?.evaluations?.length) continue;
    const file = path.join(m.dir, `eval-${digest.slice(7, 19)}.json`);
    await lynx(ctx, m, 'reader', ['gate', 'evaluate', '--candidate', `${MODEL}@${digest}`, '--out', path.relative(ctx.setup.root, file), '--json'], -1);
    const { gate: _gate, ...result } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    await http(ctx, m, 'trainer', 'POST', `${ctx.urls.registry}/v1/models/${MODEL}/versions/${digest}/evaluations`, result);
  }
}

/** Experiment 4: every version priced from the traffic it served; docs/COSTS.md with accuracy, USD/1k tokens, CpQU. */
export async function finopsExperiment(ctx: DemoContext, m: Manifest): Promise<void> {
  const digests = VARIANTS.map((v) => ctx.bundles[v]!.digest);
  for (const v of VARIANTS) m.input({ name: v, digest: ctx.bundles[v]!.digest });
  m.input({ name: 'lynx.prices.yaml', digest: await sha256File(path.join(ctx.setup.root, 'lynx.prices.yaml')) });
  await evaluateAll(ctx, m, [...digests, ...(ctx.retrained ? [ctx.retrained.digest] : [])]);

  // An even A/B split, so every servable variant has a cost figure of its own.
  // Pricing every variant means serving the gate-refused one too: an admin override, audited.
  await setPlan(
    ctx,
    m,
    { strategy: 'ab', arms: VARIANTS.map((v) => ({ ref: ctx.bundles[v]!.digest, weight: 1, name: v })) },
    'demo: price every variant',
    'demo: price every variant, the refused one included, on synthetic traffic',
  );
  const r = await replay(ctx, m, 800, 4);
  ctx.say(`  A/B over ${VARIANTS.join(', ')}: ${r.ok}/${r.sent} answered`);

  // The cost emitter closes one-second rollups and posts them; the table is ready once the
  // registry's served totals account for every event the router published.
  const events = await ctx.nats.stored('lynx.inference.completed');
  await waitFor('the cost emitter to consume every event', 60_000, async () => ((await ctx.nats.caughtUp('LYNX_INFERENCE', 'lynx-cost-emitter')) ? true : undefined));
  let served = 0;
  await waitFor(`the registry's served totals to grow by ${events} requests`, 60_000, async () => {
    served = (await servedTotal(ctx)) - ctx.servedBefore;
    return served >= events ? true : undefined;
  }).catch((err: Error) => m.check('every served request is priced', false, `${err.message}; served ${served}`));

  await lynx(ctx, m, 'reader', ['costs', MODEL, '--md', path.relative(ctx.setup.root, ctx.setup.costsMd)]);
  const rows = costRowSchema.array().parse(JSON.parse((await lynx(ctx, m, 'reader', ['costs', MODEL, '--json'])).stdout));
  fs.copyFileSync(ctx.setup.costsMd, path.join(m.dir, 'COSTS.md'));
  m.output({ name: 'COSTS.md', digest: await sha256File(ctx.setup.costsMd), path: path.relative(ctx.setup.root, ctx.setup.costsMd) });

  const name = (d: string) => VARIANTS.find((v) => ctx.bundles[v]!.digest === d) ?? (d === ctx.retrained?.digest ? 'retrained' : d.slice(0, 19));
  const table = rows.map((row) => ({ version: name(row.digest), digest: row.digest, semver: row.semver, accuracy: row.accuracy, requests: row.requests, usd_per_1k_tokens: row.usd_per_1k_tokens, cpqu: row.cpqu }));
  m.figure('rows', table);
  m.figure('events_published', events);
  m.figure('requests_priced', served);
  for (const t of table) ctx.say(`  ${t.version.padEnd(10)} acc ${t.accuracy?.toFixed(4) ?? '-'}  req ${String(t.requests).padStart(5)}  $/1k ${t.usd_per_1k_tokens?.toFixed(6) ?? '-'}  CpQU ${t.cpqu?.toFixed(6) ?? '-'}`);

  const inTable = (d: string) => table.find((t) => t.digest === d);
  m.check('a row per registry version', digests.every((d) => inTable(d)), `${table.length} rows`);
  m.check('every variant has accuracy, USD per 1k tokens and CpQU', digests.every((d) => inTable(d)?.accuracy != null && inTable(d)?.usd_per_1k_tokens != null && inTable(d)?.cpqu != null), table.map((t) => `${t.version}: ${t.cpqu ?? '-'}`).join(', '));
  if (!m.data.checks.some((c) => c.name === 'every served request is priced')) m.check('every served request is priced', served >= events, `${served} of ${events} events`);
}
