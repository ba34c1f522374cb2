// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { navigate } from '../router';
import { short } from '../ui';

interface GraphNode {
  id: string;
  label: string;
  kind: string;
  href: string;
}

const W = 230;
const H = 34;
const GAP = 12;

/**
 * Where a version came from (left: run, commit, data, parent) and what followed (right:
 * evaluations, verdicts, alias moves, drift reports, retrain candidates), each node a link.
 */
export function LineageGraph({ model, lineage, driftReports }: { model: string; lineage: any; driftReports: any[] }) {
  const m = encodeURIComponent(model);
  const inputs: GraphNode[] = [];
  if (lineage.run.run_id) inputs.push({ id: 'run', label: `run ${lineage.run.run_id}`, kind: 'training run', href: '#run' });
  if (lineage.run.code_commit) inputs.push({ id: 'commit', label: `commit ${String(lineage.run.code_commit).slice(0, 12)}`, kind: 'code commit', href: '#run' });
  for (const d of lineage.run.data) inputs.push({ id: `data-${d.digest}`, label: `${d.name} ${short(d.digest)}`, kind: 'data', href: '#run' });
  if (lineage.parent) inputs.push({ id: 'parent', label: `parent ${short(lineage.parent.digest)}`, kind: 'parent version', href: `/models/${m}/versions/${lineage.parent.digest}` });
  if (lineage.drift) inputs.push({ id: 'cause', label: `drift report ${String(lineage.drift.report_id).slice(0, 18)}`, kind: 'retrained because of', href: `/models/${m}/drift?report=${encodeURIComponent(lineage.drift.report_id)}` });
  const outputs: GraphNode[] = [];
  for (const e of lineage.evaluations) outputs.push({ id: `eval-${e.id}`, label: `evaluation ${e.accuracy === null ? '' : `acc ${e.accuracy.toFixed(3)}`}`, kind: 'evaluation', href: '#evaluations' });
  for (const v of lineage.verdicts) outputs.push({ id: `verdict-${v.id}`, label: `verdict ${v.passed ? 'pass' : 'fail'}${v.bootstrap ? ' (bootstrap)' : ''}`, kind: 'gate verdict', href: `#verdict-${v.id}` });
  for (const mv of lineage.alias_moves) outputs.push({ id: `move-${mv.id}`, label: `${mv.kind} ${mv.alias} ${mv.direction === 'to' ? '→ here' : 'away'}`, kind: 'alias move', href: '#moves' });
  for (const r of driftReports.slice(0, 6)) outputs.push({ id: `drift-${r.id}`, label: `drift ${r.decision} ${r.window.id}`, kind: 'drift report', href: `/models/${m}/drift?report=${encodeURIComponent(r.id)}` });
  for (const c of lineage.children) outputs.push({ id: `child-${c.digest}`, label: `retrained ${short(c.digest)}`, kind: 'retrain candidate', href: `/models/${m}/versions/${c.digest}` });
  const rows = Math.max(inputs.length, outputs.length, 1);
  const height = rows * (H + GAP) + GAP;
  const width = W * 3 + 160;
  const cx = W + 80;
  const cy = height / 2 - H / 2;
  const y = (i: number, n: number) => (height - n * (H + GAP) + GAP) / 2 + i * (H + GAP);
  const node = (n: GraphNode, x: number, yy: number) => (
    <a
      key={n.id}
      href={n.href}
      onClick={(e) => {
        if (n.href.startsWith('/')) {
          e.preventDefault();
          navigate(n.href);
        }
      }}
    >
      <rect x={x} y={yy} width={W} height={H} rx={6} fill="#fff" stroke="#13294b" />
      <text x={x + 8} y={yy + 14} fontSize={10} fill="#444">
        {n.kind}
      </text>
      <text x={x + 8} y={yy + 28} fontSize={12}>
        {n.label.length > 31 ? `${n.label.slice(0, 30)}…` : n.label}
      </text>
      <title>{`${n.kind}: ${n.label}`}</title>
    </a>
  );
  return (
    <svg role="group" aria-label={`Lineage graph: ${inputs.length} inputs, ${outputs.length} things that followed`} width={width} height={height} className="lineage" data-testid="lineage-graph">
      {inputs.map((n, i) => (
        <line key={`l-${n.id}`} x1={W} y1={y(i, inputs.length) + H / 2} x2={cx} y2={cy + H / 2} stroke="#888" />
      ))}
      {outputs.map((n, i) => (
        <line key={`r-${n.id}`} x1={cx + W} y1={cy + H / 2} x2={cx + W + 80} y2={y(i, outputs.length) + H / 2} stroke="#888" />
      ))}
      {inputs.map((n, i) => node(n, 0, y(i, inputs.length)))}
      <g>
        <rect x={cx} y={cy} width={W} height={H} rx={6} fill="#13294b" />
        <text x={cx + 8} y={cy + 22} fontSize={13} fill="#fff">
          {`${short(lineage.version.digest)} ${lineage.version.semver ?? ''}`}
        </text>
      </g>
      {outputs.map((n, i) => node(n, cx + W + 80, y(i, outputs.length)))}
    </svg>
  );
}
