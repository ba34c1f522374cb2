import type { WorkerReport } from './worker-report';

// A self-contained HTML page for one report: no scripts, no external assets; histograms are
// inline SVG bars, reference and current side by side for each bucket.

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 0.001 || v === 0 ? v.toFixed(4) : v.toExponential(2)) : String(v));

function histogramSvg(h: WorkerReport['histograms'][number]): string {
  const row = 18;
  const labelW = 170;
  const barW = 260;
  const max = Math.max(1e-9, ...h.buckets.flatMap((b) => [b.reference ?? 0, b.current]));
  const rows = h.buckets
    .map((b, i) => {
      const y = 24 + i * row;
      const r = ((b.reference ?? 0) / max) * barW;
      const c = (b.current / max) * barW;
      return (
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${esc(b.bucket)}</text>` +
        `<rect x="${labelW}" y="${y + 2}" width="${r.toFixed(1)}" height="6" fill="#9aa5b1"><title>reference ${pct(b.reference)}</title></rect>` +
        `<rect x="${labelW}" y="${y + 9}" width="${c.toFixed(1)}" height="6" fill="#d9480f"><title>current ${pct(b.current)}</title></rect>` +
        `<text x="${labelW + barW + 6}" y="${y + 12}">${pct(b.reference)} → ${pct(b.current)}</text>`
      );
    })
    .join('');
  const height = 30 + h.buckets.length * row;
  return (
    `<figure><figcaption>${esc(h.feature)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 140}" height="${height}" font-size="11" font-family="sans-serif" role="img" aria-label="${esc(h.feature)} reference vs current">` +
    `<rect x="${labelW}" y="4" width="10" height="6" fill="#9aa5b1"/><text x="${labelW + 14}" y="11">reference</text>` +
    `<rect x="${labelW + 90}" y="4" width="10" height="6" fill="#d9480f"/><text x="${labelW + 104}" y="11">current window</text>` +
    rows +
    `</svg></figure>`
  );
}

export function renderReportHtml(r: WorkerReport): string {
  const metrics = r.metrics
    .map(
      (m) =>
        `<tr class="${m.verdict}"><td>${esc(m.feature)}</td><td>${esc(m.against)}</td><td>${esc(m.metric)}${m.advisory ? ' (advisory)' : ''}</td>` +
        `<td>${fmt(m.value)}</td><td>${fmt(m.watch)}${m.retrain === null ? '' : ` / ${fmt(m.retrain)}`}</td><td>${esc(m.verdict)}</td></tr>`,
    )
    .join('');
  const movers = r.top_movers
    .map((m) => `<li>${esc(m.feature)} ${esc(m.bucket ?? '')}: ${pct(m.reference_share ?? null)} → ${pct(m.current_share ?? null)} (${esc(m.metric)} ${fmt(m.score)})</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift report ${esc(r.id)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}
tr.drift td{background:#ffe3e3}tr.watch td{background:#fff3bf}.decision{font-size:1.4em;font-weight:bold}figure{display:inline-block;margin:1em 1em 0 0}figcaption{font-weight:bold}</style>
</head><body>
<h1>Drift report</h1>
<p><code>${esc(r.id)}</code> · model <b>${esc(r.model)}</b> · digest <code>${esc(r.digest)}</code></p>
<p>window <code>${esc(r.window.id)}</code> ${esc(r.window.start)} → ${esc(r.window.end)} · ${r.count} events${r.previous_window_id ? ` · previous window <code>${esc(r.previous_window_id)}</code>` : ''}</p>
<p class="decision">decision: ${esc(r.decision)}</p>
<ul>${r.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
<h2>Top movers</h2><ol>${movers || '<li>none</li>'}</ol>
<h2>Histograms: reference vs current</h2>
${r.histograms.map(histogramSvg).join('\n')}
<h2>Metrics</h2>
<table><thead><tr><th>feature</th><th>against</th><th>metric</th><th>value</th><th>watch / retrain</th><th>verdict</th></tr></thead><tbody>${metrics}</tbody></table>
</body></html>
`;
}
