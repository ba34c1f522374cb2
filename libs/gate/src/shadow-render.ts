import type { ShadowReport, ShadowSideSummary } from './shadow-report';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(1)} ms`);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const okMark = (x: boolean | null) => (x === null ? '?' : x ? '✓' : '✗');
const ci = (i: { lower: number; upper: number } | null | undefined) => (i ? ` [${(i.lower * 100).toFixed(1)}, ${(i.upper * 100).toFixed(1)}]` : '');
const withCi = (x: number | null, i: { lower: number; upper: number } | null | undefined) => `${pct(x)}${ci(i)}`;
const bucketCi = (b: { accuracy: number; ci_lower: number; ci_upper: number } | undefined) => (b ? withCi(b.accuracy, { lower: b.ci_lower, upper: b.ci_upper }) : '-');
/** The agreement line: rate, 95 % interval and counts. */
const agreement = (r: ShadowReport) => `Agreement: ${withCi(r.agreement_rate, r.agreement_ci)}`;
/** The paired counts the decision tests: only the discordant judged pairs tell the sides apart. */
const judgedPairs = (r: ShadowReport) => `${r.judged_pairs} judged pairs (both sides judged): ${r.shadow_only_right} only shadow right, ${r.primary_only_right} only primary right.`;

function bucketNames(r: ShadowReport): string[] {
  return [...new Set([...Object.keys(r.primary.buckets), ...Object.keys(r.shadow.buckets)])].sort();
}

function sideRows(r: ShadowReport): Array<[string, string, string]> {
  const row = (label: string, f: (s: ShadowSideSummary) => string): [string, string, string] => [label, f(r.primary), f(r.shadow)];
  return [
    row('digest', (s) => s.digests.join(', ') || '-'),
    row('errors', (s) => String(s.errors)),
    row('latency p50', (s) => ms(s.latency_p50_ms)),
    row('latency p99', (s) => ms(s.latency_p99_ms)),
    row('tokens (prompt / completion / total)', (s) => `${s.tokens.prompt} / ${s.tokens.completion} / ${s.tokens.total}`),
    row('judged answers', (s) => String(s.graded)),
    row('accuracy (judged, 95 % CI)', (s) => withCi(s.accuracy, s.accuracy_ci)),
  ];
}

/** The shadow report as GitHub Markdown. */
export function renderShadowMarkdown(r: ShadowReport): string {
  const out = [
    `# Shadow report: ${r.model}`,
    '',
    `**${mdCell(r.decision.headline)}**`,
    '',
    `${r.pairs} request pairs from ${r.since ?? '-'} to ${r.until ?? '-'}; ${r.compared} with both answers.`,
    '',
    `**${agreement(r)}** (${r.agreed}/${r.compared}); ${r.disagreements} disagreements.`,
    '',
    judgedPairs(r),
    '',
    '| | primary | shadow |',
    '| --- | ---: | ---: |',
    ...sideRows(r).map(([a, b, c]) => `| ${a} | ${mdCell(b)} | ${mdCell(c)} |`),
    '',
    '## Accuracy per bucket (where the grader can judge; 95 % Wilson intervals)',
    '',
    '| bucket | n | primary | shadow | delta |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const b of bucketNames(r)) {
    const p = r.primary.buckets[b];
    const s = r.shadow.buckets[b];
    const delta = p && s ? `${s.accuracy - p.accuracy >= 0 ? '+' : ''}${((s.accuracy - p.accuracy) * 100).toFixed(1)} pp` : '-';
    out.push(`| ${b} | ${p?.n ?? s?.n ?? 0} | ${bucketCi(p)} | ${bucketCi(s)} | ${delta} |`);
  }
  out.push('', `## Disagreements (${r.examples.length} of ${r.disagreements})`, '', '| input | primary | shadow |', '| --- | --- | --- |');
  for (const d of r.examples) out.push(`| ${mdCell(d.input)} | ${okMark(d.primary_ok)} ${mdCell(d.primary)} | ${okMark(d.shadow_ok)} ${mdCell(d.shadow)} |`);
  return out.join('\n') + '\n';
}

/** Grouped horizontal bars (primary, shadow) per label, as inline SVG: no scripts, no external assets. */
export function barChartSvg(title: string, rows: Array<{ label: string; primary: number | null; shadow: number | null }>, max: number, unit: (v: number) => string): string {
  const labelW = 220;
  const barW = 360;
  const rowH = 34;
  const h = 30 + rows.length * rowH + 10;
  const w = labelW + barW + 90;
  const scale = (v: number) => (max > 0 ? (Math.max(0, v) / max) * barW : 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">`,
    `<text x="0" y="16" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  rows.forEach((row, i) => {
    const y = 30 + i * rowH;
    parts.push(`<text x="0" y="${y + 18}" font-size="12">${esc(row.label)}</text>`);
    (['primary', 'shadow'] as const).forEach((side, k) => {
      const v = row[side];
      const by = y + k * 14;
      const fill = side === 'primary' ? '#4c78a8' : '#f58518';
      if (v !== null) parts.push(`<rect class="${side}" x="${labelW}" y="${by}" width="${scale(v).toFixed(1)}" height="12" fill="${fill}"><title>${side}: ${esc(unit(v))}</title></rect>`);
      parts.push(`<text x="${labelW + (v === null ? 0 : scale(v)) + 4}" y="${by + 10}" font-size="10">${v === null ? '-' : esc(unit(v))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A self-contained HTML page: summary table, accuracy and latency charts, disagreement examples. */
export function renderShadowHtml(r: ShadowReport): string {
  const buckets = bucketNames(r).map((b) => ({ label: b, primary: r.primary.buckets[b]?.accuracy ?? null, shadow: r.shadow.buckets[b]?.accuracy ?? null }));
  const latency = [
    { label: 'p50', primary: r.primary.latency_p50_ms, shadow: r.shadow.latency_p50_ms },
    { label: 'p99', primary: r.primary.latency_p99_ms, shadow: r.shadow.latency_p99_ms },
  ];
  const maxLatency = Math.max(1, ...latency.flatMap((l) => [l.primary ?? 0, l.shadow ?? 0]));
  const bucketRows = bucketNames(r)
    .map((b) => `<tr><th>${esc(b)}</th><td>${r.primary.buckets[b]?.n ?? r.shadow.buckets[b]?.n ?? 0}</td><td>${esc(bucketCi(r.primary.buckets[b]))}</td><td>${esc(bucketCi(r.shadow.buckets[b]))}</td></tr>`)
    .join('');
  const rows = sideRows(r).map(([a, b, c]) => `<tr><th>${esc(a)}</th><td>${esc(b)}</td><td>${esc(c)}</td></tr>`).join('');
  const examples = r.examples
    .map((d) => `<tr><td>${esc(d.input)}</td><td>${okMark(d.primary_ok)} ${esc(d.primary)}</td><td>${okMark(d.shadow_ok)} ${esc(d.shadow)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shadow report: ${esc(r.model)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem}</style>
</head><body>
<h1>Shadow report: ${esc(r.model)}</h1>
<p class="headline"><strong>${esc(r.decision.headline)}</strong></p>
<p>${r.pairs} request pairs from ${esc(r.since ?? '-')} to ${esc(r.until ?? '-')}; ${r.compared} with both answers.</p>
<p><strong>${esc(agreement(r))}</strong> (${r.agreed}/${r.compared}); ${r.disagreements} disagreements.</p>
<p>${esc(judgedPairs(r))}</p>
<p class="legend"><span style="background:#4c78a8"></span>primary<span style="background:#f58518"></span>shadow</p>
<table><tr><th></th><th>primary</th><th>shadow</th></tr>${rows}</table>
${barChartSvg('Accuracy per bucket (judged answers)', buckets, 1, (v) => pct(v))}
<table><tr><th>bucket</th><th>n</th><th>primary (95 % CI)</th><th>shadow (95 % CI)</th></tr>${bucketRows}</table>
${barChartSvg('Latency', latency, maxLatency, (v) => ms(v))}
<h2>Disagreements (${r.examples.length} of ${r.disagreements})</h2>
<table><tr><th>input</th><th>primary</th><th>shadow</th></tr>${examples}</table>
</body></html>
`;
}
