// Markdown tables of the router benchmark: every phase, then the targets, then the detail
// behind each (fixed rate, shadow A/B, model time, events, memory).
import { cpus } from 'node:os';
import { median } from '../common/bench-files';
import { perMinute, rssSlope, type MemorySample } from './memory';
import { coreShare, cpuPerRequest, machineBusy, pct, rate, waitMsPerS, type Phase } from './load';

/** Closed-loop throughput at one upstream model time: direct/router pairs of phases, one per round. */
export interface ModelTime {
  ms: number;
  pairs: Array<{ direct: Phase; routed: Phase }>;
}

export interface Settings {
  seconds: number;
  /** Fixed-rate rounds (A B, B A, A B …). */
  rounds: number;
  concurrency: number;
  rate: number;
  connections: number;
  upstreamMs: number[];
  soak: number;
  loadBefore: number[];
}

export interface Results {
  phases: Phase[];
  d1: Phase;
  d2: Phase;
  on: Phase;
  off: Phase;
  /** The reference proxy (nginx) closed loop, zero-work upstream; absent without nginx. */
  nginx?: Phase;
  /** The bare Node proxy (bare-proxy.ts) closed loop, zero-work upstream: Node's floor. */
  bare: Phase;
  mirrored: Phase;
  again: Phase;
  modelTime: ModelTime[];
  /** `nginx` is empty without nginx. */
  fixed: { direct: Phase[]; nginx: Phase[]; plain: Phase[]; shadow: Phase[] };
  soak?: Phase;
  /** One line on the reference proxy: which, or why it was skipped. */
  reference: string;
  /** Which CPUs the proxy under test and the rest ran on (cpus.ts). */
  placement: string;
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const signed = (n: number, d = 1) => (n >= 0 ? '+' : '') + f(n, d);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
/** Percentile over the requests of several phases together. */
const pooled = (ps: Phase[], p: number) => pct(ps.flatMap((x) => x.latencies).sort((a, b) => a - b), p);
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

export function report(s: Settings, r: Results, memory: MemorySample[]): void {
  const out: string[] = [];
  const us = (p: Phase, label: string) => f(cpuPerRequest(p, label), 0);
  out.push(
    `router bench: ${s.seconds} s per phase; closed loop ${s.concurrency} callers; open loop ${s.rate} req/s on ${s.connections} connections, ${s.rounds} rounds; upstream model time ${s.upstreamMs.join(' / ')} ms; soak ${s.soak} s; ${cpus().length} CPUs, Node ${process.version}`,
    `load average before the run: ${s.loadBefore.map((x) => x.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`,
    r.reference,
    `CPU placement: ${r.placement}`,
    '',
  );

  // Every phase.
  out.push(
    ...table(
      ['phase', 'load offered', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'machine busy', 'load 1m', 'proxy (router, bare Node or nginx), share of a core', 'CPU µs/req: loadgen · upstream · proxy · nats-server', 'proxy: waits for a core ms/s · router GC ms/s · router worst loop delay ms'],
      r.phases.map((p) => {
        const label = p === r.off ? 'quiet' : p.name.startsWith('nginx') ? 'nginx' : p === r.bare ? 'bare' : 'router';
        const isDirect = p.name.startsWith('direct');
        const lag = p.sendLagP99 !== undefined ? ` (sends ≤ ${f(p.sendLagP99)} ms late at p99${p.errors ? `, ${p.errors} errors` : ''})` : '';
        // GC and loop delay are the events-on router's, so not shown for the other proxies.
        const notRouter = label !== 'router';
        const inRouter = isDirect ? '—' : `${f(waitMsPerS(p, label), 0)} · ${notRouter ? '—' : f((p.routerGcMs ?? NaN) / p.seconds, 0)} · ${notRouter ? '—' : f(p.routerLagMaxMs ?? NaN, 0)}`;
        return [p.name, p.mode + lag, f(rate(p), 0), f(pct(p.latencies, 50)), f(pct(p.latencies, 90)), f(pct(p.latencies, 99)), `${f(machineBusy(p) * 100, 0)} %`, f(p.load), isDirect ? '—' : f(coreShare(p, label)), `${us(p, 'loadgen')} · ${us(p, 'upstream')} · ${isDirect ? '—' : us(p, label)} · ${us(p, 'nats')}`, inRouter];
      }),
    ),
    '',
  );

  // Fixed rate: added latency round by round (router round i against direct round i, measured
  // minutes apart at most), the median of the rounds: pooled, one direct round caught by a stall of
  // the load generator raises direct's p99 and hides what the router adds.
  const fx = r.fixed;
  const perRound = (ps: Phase[], p: number) => ps.map((x, i) => pct(x.latencies, p) - pct(fx.direct[i].latencies, p));
  const added = (p: number) => median(perRound(fx.plain, p));
  const hasNginx = fx.nginx.length > 0;
  const nginxAdded = (p: number) => median(perRound(fx.nginx, p));
  const rounds = (ps: Phase[], p: number) => perRound(ps, p).map((x) => f(x)).join(' · ');
  const routerShare = mean(fx.plain.map((p) => coreShare(p, 'router')));
  // Shadow A/B: each round's p99, and the change of the medians (one round hit by a stall of the
  // machine moves a mean by tens of per cent; the median of three or more rounds does not).
  const p99 = (ps: Phase[]) => ps.map((p) => pct(p.latencies, 99));
  const shadowChange = (median(p99(fx.shadow)) / median(p99(fx.plain)) - 1) * 100;
  // Run-to-run noise: how far the rounds of the same configuration are apart.
  const spread = (ps: Phase[]) => ((Math.max(...p99(ps)) - Math.min(...p99(ps))) / median(p99(ps))) * 100;
  const noise = Math.max(spread(fx.plain), spread(fx.shadow));
  const shadowVerdict = Math.abs(shadowChange) <= 5 ? 'met' : noise >= Math.abs(shadowChange) ? '**not resolved** (within the run-to-run noise)' : '**missed**';
  // Memory: first and last minute of the soak.
  const soakSamples = memory.filter((m) => m.phase === r.soak?.name);
  const soakRows = perMinute(soakSamples);
  const rssFirst = soakRows[0]?.rss ?? NaN;
  const rssLast = soakRows.at(-1)?.rss ?? NaN;
  const rssChange = (rssLast / rssFirst - 1) * 100;
  const ratio = (m: { direct: Phase; routed: Phase }) => rate(m.routed) / rate(m.direct);
  const medianPair = (m: ModelTime) => [...m.pairs].sort((a, b) => ratio(a) - ratio(b))[Math.floor((m.pairs.length - 1) / 2)];
  // Closed loop, zero-work upstream: direct is the mean of the two direct phases.
  const dRate = (rate(r.d1) + rate(r.d2)) / 2;
  const referenceRatios = (routed: Phase) =>
    `; bare Node proxy/direct ${f(rate(r.bare) / dRate)}${r.nginx ? `, nginx/direct ${f(rate(r.nginx) / dRate)}, router/nginx ${f(rate(routed) / rate(r.nginx))}` : ''}`;
  const nginxFixed = (p: number) => (hasNginx ? `; nginx ${f(nginxAdded(p))}` : '');

  const fixedHow = `open loop, ${s.rate} req/s on ${s.connections} connections, latency from the intended send time; ${fx.plain.length} × ${s.seconds} s each`;
  const addedHow = `${fixedHow}; router round minus direct round, median of the rounds`;
  out.push(
    ...table(
      ['target', 'figure', 'how measured', 'verdict'],
      [
        ['added p50 ≤ 1 ms', `${f(added(50))} ms (rounds ${rounds(fx.plain, 50)}${hasNginx ? `; nginx ${f(nginxAdded(50))}` : ''})`, addedHow, verdict(added(50) <= 1)],
        ['added p99 ≤ 3 ms', `${f(added(99))} ms (rounds ${rounds(fx.plain, 99)}; p90 ${f(added(90))}${nginxFixed(99)})`, addedHow, verdict(added(99) <= 3)],
        ...r.modelTime.map((m) => {
          const mid = medianPair(m);
          const each = m.pairs.length > 1 ? `; pairs ${m.pairs.map((p) => f(ratio(p))).join(' · ')}` : '';
          return [
            `throughput ≥ 0.7× direct, upstream ${m.ms} ms`,
            `${f(ratio(mid))} (${f(rate(mid.routed), 0)} vs ${f(rate(mid.direct), 0)} req/s${each}${m.ms === 0 ? referenceRatios(mid.routed) : ''})`,
            `closed loop, ${s.concurrency} callers for both, ${s.seconds} s each; upstream answers after a ${m.ms} ms timer${m.pairs.length > 1 ? '; median of the pairs' : ''}`,
            verdict(ratio(mid) >= 0.7),
          ];
        }),
        ['shadow changes primary p99 ≤ 5 %', `${signed(shadowChange)} %`, `${fixedHow}; median of the rounds' p99; A B, B A, A B … (same-configuration rounds differ by up to ${f(noise, 1)} %)`, shadowVerdict],
        ['router RSS flat ± 10 %', `${signed(rssChange)} % (${f(rssFirst, 0)} → ${f(rssLast, 0)} MB; trend ${signed(rssSlope(soakSamples))} MB/min)`, `mean RSS, first vs last minute of a ${s.soak} s soak at ${s.rate} req/s, sampled each second`, verdict(Math.abs(rssChange) <= 10)],
      ],
    ),
    '',
  );

  out.push(
    `Fixed rate (${s.rate} req/s, ${s.connections} connections), all rounds pooled; the router (events on) uses ${f(routerShare)} of a core at this rate (${f(mean(fx.plain.map((p) => cpuPerRequest(p, 'router'))), 0)} µs/req)${
      hasNginx ? `, nginx ${f(mean(fx.nginx.map((p) => coreShare(p, 'nginx'))))} (${f(mean(fx.nginx.map((p) => cpuPerRequest(p, 'nginx'))), 0)} µs/req)` : ''
    }.`,
    '',
    ...table(
      ['percentile', 'direct ms', 'router ms', ...(hasNginx ? ['nginx ms'] : []), 'added ms, router', ...(hasNginx ? ['added ms, nginx'] : [])],
      [50, 90, 99].map((p) => [`p${p}`, f(pooled(fx.direct, p)), f(pooled(fx.plain, p)), ...(hasNginx ? [f(pooled(fx.nginx, p))] : []), f(pooled(fx.plain, p) - pooled(fx.direct, p)), ...(hasNginx ? [f(pooled(fx.nginx, p) - pooled(fx.direct, p))] : [])]),
    ),
    '',
    ...table(
      ['round', 'p99 no shadow ms', 'p99 10 % shadow ms', 'change'],
      [
        ...fx.plain.map((a, i) => [String(i + 1), f(p99([a])[0]), f(p99([fx.shadow[i]])[0]), `${signed((p99([fx.shadow[i]])[0] / p99([a])[0] - 1) * 100)} %`]),
        ['median', f(median(p99(fx.plain))), f(median(p99(fx.shadow))), `${signed(shadowChange)} %`],
      ],
    ),
    '',
  );

  out.push(
    `Closed loop, ${s.concurrency} callers, throughput by upstream model time:`,
    '',
    ...table(
      ['upstream model time', 'direct req/s', 'router req/s', 'router/direct', 'direct p50 ms', 'router p50 ms', 'router, share of a core'],
      r.modelTime.flatMap((m) =>
        m.pairs.map((p, i) => [`${m.ms} ms${m.pairs.length > 1 ? `, pair ${i + 1}` : ''}`, f(rate(p.direct), 0), f(rate(p.routed), 0), f(ratio(p)), f(pct(p.direct.latencies, 50)), f(pct(p.routed.latencies, 50)), f(coreShare(p.routed, 'router'))]),
      ),
    ),
    '',
  );

  // Closed loop, zero-work upstream: the saturation figures (direct = mean of the two direct phases),
  // the bare Node proxy and nginx (when it ran) beside the two routers.
  const dP = (p: number) => (pct(r.d1.latencies, p) + pct(r.d2.latencies, p)) / 2;
  const addedP = (p: Phase) => `${f(pct(p.latencies, 50) - dP(50))} / ${f(pct(p.latencies, 99) - dP(99))}`;
  // Columns: the two routers, the bare Node proxy, and nginx when it ran.
  const cols = [
    { head: 'router, events on', p: r.on, label: 'router', router: true },
    { head: 'router, events off', p: r.off, label: 'quiet', router: true },
    { head: 'bare Node proxy (floor)', p: r.bare, label: 'bare', router: false },
    ...(r.nginx ? [{ head: 'nginx (reference proxy)', p: r.nginx, label: 'nginx', router: false }] : []),
  ];
  const routers = (cell: (p: Phase) => string) => cols.map((c) => (c.router ? cell(c.p) : '—'));
  out.push(
    `Closed loop, ${s.concurrency} callers, zero-work upstream (the proxy's CPU is the limit):`,
    '',
    ...table(['figure', ...cols.map((c) => c.head)], [
      ['added p50 / p99 ms', ...cols.map((c) => addedP(c.p))],
      ['throughput proxy/direct', ...cols.map((c) => f(rate(c.p) / dRate))],
      ['throughput router/bare Node proxy', ...routers((p) => f(rate(p) / rate(r.bare)))],
      ...(r.nginx ? [['throughput router/nginx', ...routers((p) => f(rate(p) / rate(r.nginx!)))]] : []),
      ['proxy CPU µs/req', ...cols.map((c) => us(c.p, c.label))],
      ['p99 change with a 10 % shadow', `${signed((pct(r.mirrored.latencies, 99) / pct(r.again.latencies, 99) - 1) * 100)} %`, ...cols.slice(1).map(() => '—')],
    ]),
    '',
  );

  const memRows = (rows: ReturnType<typeof perMinute>) =>
    rows.map((m) => [String(m.minute), m.phases.join(', '), `${f(m.rssMin, 0)} / ${f(m.rss, 0)} / ${f(m.rssMax, 0)}`, `${f(m.heapUsedMin, 0)} – ${f(m.heapUsedMax, 0)}`, f(m.heapTotal, 0)]);
  const head = ['minute', 'phases', 'RSS MB min / mean / max', 'V8 heap used MB', 'V8 heap total MB'];
  out.push('Router memory per minute over the whole run (RSS from /proc each second; heap from its /metrics after each phase):', '', ...table(head, memRows(perMinute(memory))), '');
  if (soakRows.length) {
    out.push(`Soak only (${s.rate} req/s; heap every 10 s); RSS trend over the soak ${signed(rssSlope(soakSamples))} MB/min:`, '', ...table(head, memRows(soakRows)), '');
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
