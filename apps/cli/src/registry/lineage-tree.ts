import { short } from './table';


const s = (d: string | null | undefined) => short(d) ?? '-';
const when = (t: string) => t.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function branch(title: string, lines: string[], last = false): string[] {
  const head = `${last ? '└─' : '├─'} ${title}`;
  const pad = last ? '   ' : '│  ';
  return [head, ...lines.map((l, i) => `${pad}${i === lines.length - 1 ? '└─' : '├─'} ${l}`)];
}

/** The registry's lineage answer as a readable tree. */
export function renderLineage(l: any): string {
  const v = l.version;
  const out: string[] = [`${l.model}@${v.digest}${v.semver ? ` (${v.semver})` : ''} · ${v.status}${v.aliases.length ? ` · aliases: ${v.aliases.join(', ')}` : ''}`];
  const run = [
    `run ${l.run.run_id ?? '-'} · commit ${l.run.code_commit ?? '-'}`,
    ...l.run.data.map((d: any) => `data ${d.name} ${d.digest}${d.uri ? ` (${d.uri})` : ''}`),
    ...(Object.keys(l.run.params).length ? [`params ${Object.entries(l.run.params).map(([k, x]) => `${k}=${x}`).join(' ')}`] : []),
    l.parent ? `parent ${l.parent.digest}${l.parent.version ? ` (${l.parent.version.semver ?? 'registered'}, ${l.parent.version.status})` : ' (not registered here)'}` : 'parent -',
  ];
  out.push(...branch('came from', run));
  if (l.drift) out.push(...branch('retrained after drift', [`report ${l.drift.report_id}`, `window ${l.drift.window_id ?? '-'}`]));
  out.push(...branch('gate verdicts', l.verdicts.length ? l.verdicts.map((x: any) => `${when(x.created_at)} ${x.passed ? 'PASSED' : 'REFUSED'}${x.bootstrap ? ' (bootstrap)' : ''} ${x.id} by ${x.created_by}`) : ['none']));
  if (l.evaluations.length) out.push(...branch('evaluations', l.evaluations.map((e: any) => `${when(e.created_at)} accuracy ${e.accuracy ?? '-'} on ${s(e.eval_set_digest)}`)));
  out.push(...branch('alias moves', l.alias_moves.length ? l.alias_moves.map((m: any) => `${when(m.at)} ${m.alias} ${m.kind} ${m.direction === 'to' ? `→ here from ${s(m.from_digest)}` : `away to ${s(m.to_digest)}`} by ${m.actor} (${m.role}): ${m.reason}${m.verdict_id ? ` · verdict ${m.verdict_id}` : ''}`) : ['none']));
  out.push(...branch('traffic plans naming it', l.traffic_plans.length ? l.traffic_plans.map((p: any) => `${when(p.at)} revision ${p.revision} ${p.strategy} via ${p.refs.map((r: any) => `${r.ref} (${r.via})`).join(', ')} by ${p.actor}`) : ['none']));
  if (l.children.length) out.push(...branch('retrained into', l.children.map((c: any) => `${c.digest}${c.semver ? ` (${c.semver})` : ''} ${c.status}`)));
  if (l.serving) out.push(...branch('served', [`${l.serving.requests} requests, ${l.serving.first_served} → ${l.serving.last_served}`]));
  const w = l.why_serving;
  const why: string[] = [];
  if (w.production) {
    const m = w.production_move;
    why.push(`production since ${when(m.at)}: ${m.kind} by ${m.actor} (${m.role}): ${m.reason}`);
    why.push(w.verdict ? `verdict ${w.verdict.id}: ${w.verdict.passed ? 'passed' : 'refused'}${w.verdict.bootstrap ? ' (bootstrap)' : ''} ${when(w.verdict.created_at)}` : 'no gate verdict (a -dev promote)');
  }
  if (w.traffic_plan) why.push(`traffic plan revision ${w.traffic_plan.revision} (${w.traffic_plan.strategy}) via ${w.traffic_plan.refs.map((r: any) => r.ref).join(', ')}`);
  if (!w.serving) why.push(w.at ? `not serving at ${w.at}` : 'not serving now');
  out.push(...branch(w.at ? `why serving at ${w.at}` : 'why serving', why, true));
  return `${out.join('\n')}\n`;
}
