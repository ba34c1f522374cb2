import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleDigest } from '@lynx/bundle';
import { type DemoContext, MODEL, lynx } from '../context';
import type { Manifest } from '../manifest';
import { mirrored, production, replay, semverFor, setPlan } from '../steps';
import { sha256File } from './files';
import { waitFor } from '../wait';

const REQUESTS = 2000;
const PERCENT = 10;

/**
 * Makes base production: through the gate's bootstrap on a fresh registry; on a registry where
 * an earlier run left another version in production, by rolling back to base (it was production).
 */
export async function ensureBaseProduction(ctx: DemoContext, m: Manifest): Promise<string> {
  const base = ctx.bundles.base!.digest;
  const current = await production(ctx);
  if (!current) {
    const semver = await semverFor(ctx, base);
    await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${base}`, '--semver', semver, '--bootstrap', '--reason', 'demo: start the model line with base']);
    return 'bootstrapped through the gate';
  }
  if (current.digest === base) return 'already production (bootstrapped by an earlier run)';
  await lynx(ctx, m, 'operator', ['rollback', MODEL, base, '--reason', 'demo: start from base']);
  return `rolled back from ${current.digest.slice(0, 19)}…`;
}

/** Experiment 2: base serves, 10 % of ≥ 2 000 replayed sentences also go to lora; the side-by-side report. */
export async function shadowExperiment(ctx: DemoContext, m: Manifest): Promise<void> {
  const { base, lora } = ctx.bundles;
  m.input({ name: 'base', digest: base!.digest });
  m.input({ name: 'lora', digest: lora!.digest, parent_digest: base!.digest });
  const how = await ensureBaseProduction(ctx, m);
  const prod = await production(ctx);
  m.check('base is production', prod?.digest === base!.digest, `${how}; production ${prod?.digest} ${prod?.semver ?? ''}`);
  ctx.say(`  production = base ${prod?.semver ?? ''} (${how})`);

  await setPlan(ctx, m, { strategy: 'shadow', primary: 'production', shadow: lora!.digest, percent: PERCENT }, 'demo: shadow lora behind base');
  await waitFor('the router to be ready', 10_000, async () => ((await fetch(`${ctx.urls.router}/readyz`)).ok ? true : undefined));
  const since = new Date().toISOString();
  const mirrorsBefore = await mirrored(ctx);
  const shadowBefore = await ctx.nats.stored('lynx.inference.shadow');
  const r = await replay(ctx, m, REQUESTS, 1);
  const mirrors = (await mirrored(ctx)) - mirrorsBefore;
  const pairs = (await ctx.nats.stored('lynx.inference.shadow')) - shadowBefore;
  ctx.say(`  replayed ${r.ok}/${r.sent} in ${r.seconds.toFixed(1)} s (${r.requests_per_second}/s); ${pairs} shadow pairs`);

  const out = path.join(m.dir, 'report');
  const rep = await lynx(ctx, m, 'reader', ['report', 'shadow', MODEL, '--since', since, '--out', path.relative(ctx.setup.root, out)]);
  const md = fs.readFileSync(path.join(out, 'shadow-report.md'), 'utf8');
  const row = (label: string) => {
    const cells = md.split('\n').find((l) => l.startsWith(`| ${label} |`))?.split('|').map((c) => c.trim());
    return cells ? { primary: cells[2], shadow: cells[3] } : undefined;
  };
  const agreement = /\*\*Agreement: ([\d.]+) %\*\*/.exec(md)?.[1];
  const share = pairs / Math.max(1, r.ok);
  m.figure('requests', r);
  m.figure('shadow_pairs', pairs);
  m.figure('shadow_share', Number(share.toFixed(4)));
  m.figure('agreement_percent', agreement ? Number(agreement) : null);
  m.figure('accuracy_judged', row('accuracy (judged, 95 % CI)'));
  m.figure('latency_p50', row('latency p50'));
  m.figure('latency_p99', row('latency p99'));
  m.figure('tokens', row('tokens (prompt / completion / total)'));
  for (const f of ['shadow-report.md', 'shadow-report.html']) m.output({ name: f, digest: await sha256File(path.join(out, f)), path: path.relative(ctx.setup.root, path.join(out, f)) });
  m.output({ name: 'lora bundle (shadow)', digest: await bundleDigest(lora!.dir) });

  m.check(`≥ ${REQUESTS} sentences answered`, r.ok >= REQUESTS && r.failed === 0, `${r.ok} ok, ${r.failed} failed`);
  // Binomial: n = 2000, p = 0.1 → sd 0.67 pp; ± 3 pp is beyond 4 sd.
  m.check(`about ${PERCENT} % mirrored to lora`, Math.abs(share * 100 - PERCENT) <= 3, `${(share * 100).toFixed(2)} % (${pairs} pairs, ${mirrors} mirrored)`);
  m.check('report compares both sides', /pairs, agreement/.test(rep.stdout) && !!row('accuracy (judged, 95 % CI)'), rep.stdout.trim());
  ctx.say(`  report: agreement ${agreement ?? '-'} %, judged accuracy base ${row('accuracy (judged, 95 % CI)')?.primary} vs lora ${row('accuracy (judged, 95 % CI)')?.shadow}`);
}
