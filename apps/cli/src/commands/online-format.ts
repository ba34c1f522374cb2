import type { AbDecision } from '@lynx/gate';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);

/** `lynx ab` as tables: arms with judged/needed, then the looks taken, then the verdict. */
export function formatAb(d: AbDecision & { model: string; horizon_stored: boolean; started_at: string | null }): string {
  const h = d.horizon;
  const lines = [
    `${d.model}  A/B ${d.horizon_stored ? `started ${d.started_at}` : '(preview: no stored horizon)'}  mde ${h.mde}  alpha ${h.alpha}  power ${h.power}  horizon ${h.per_arm}/arm in ${h.looks} looks`,
    '',
  ];
  const table = (head: string[], rows: string[][]) => {
    const w = head.map((x, i) => Math.max(x.length, ...rows.map((r) => r[i].length)));
    for (const r of [head, ...rows]) lines.push(r.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  '));
  };
  table(
    ['ARM', 'JUDGED', 'NEEDED', 'PASS', '95 % CI'],
    [d.control, d.treatment].map((a) => [a.name, String(a.n), String(h.per_arm), pct(a.rate), a.ci_lower === null ? '-' : `${pct(a.ci_lower)} – ${pct(a.ci_upper)}`]),
  );
  if (d.looks.length) {
    lines.push('');
    table(
      ['LOOK', 'N/ARM', 'CONTROL', 'TREATMENT', 'Z', 'BOUND'],
      d.looks.map((l) => [String(l.look), String(l.n), pct(l.control_rate), pct(l.treatment_rate), l.z.toFixed(3), `±${l.bound.toFixed(3)}`]),
    );
  }
  lines.push('', `verdict: ${d.verdict} (${d.reason})`);
  return lines.join('\n') + '\n';
}
