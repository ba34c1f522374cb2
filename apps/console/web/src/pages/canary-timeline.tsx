// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { ErrorBox, PlotFigure, Plot, fmt, short, useData } from '../ui';

// The gate's outcome names say what the rollout did; the timeline says what the measurement found.
const RESULT: Record<string, string> = { successful: 'pass', failed: 'fail', inconclusive: 'inconclusive' };
const METRIC: Record<string, string> = { pass_rate: 'pass rate', error_rate: 'error rate', latency: 'p99 ms' };

function Check({ c }: { c: any }) {
  const digits = c.metric === 'latency' ? 0 : 3;
  return (
    <li data-check={c.metric}>
      {METRIC[c.metric] ?? c.metric}: {fmt.num(c.stable, digits)} → {fmt.num(c.canary, digits)} <strong>{c.result}</strong>
      {c.p_value !== null ? ` p ${fmt.num(c.p_value, 4)}` : ''}
      {c.boundary !== null ? ` (α ${fmt.num(c.boundary, 4)})` : ''} n {fmt.int(c.canary_n)}
      {c.canary_needed ? `/${fmt.int(c.canary_needed)}` : ''}
    </li>
  );
}

/**
 * Every measurement of the model's last canary rollout, oldest at the top of the chart and newest
 * first in the table. `version` changes when a new measurement lands, and only then is the list
 * read again (the Traffic page itself reloads every second).
 */
export function CanaryTimeline({ model, version }: { model: string; version: string }) {
  const { data, error } = useData(`/api/models/${encodeURIComponent(model)}/canary/measurements?v=${encodeURIComponent(version)}`);
  const rows: any[] = data?.measurements ?? [];
  if (error) return <ErrorBox error={error} />;
  if (!rows.length) return null;
  const points = rows.map((m) => ({ t: new Date(m.at), weight: m.weight, result: RESULT[m.decision.outcome] ?? m.decision.outcome }));
  return (
    <section aria-labelledby="timeline-h" data-testid="canary-timeline">
      <h3 id="timeline-h">
        Timeline of {short(data.canary_digest)}: {rows.length} measurement{rows.length === 1 ? '' : 's'}
      </h3>
      <PlotFigure
        label="Canary weight at each measurement, coloured by its result"
        options={{
          height: 180,
          width: 700,
          y: { label: 'weight %', grid: true, domain: [0, 100] },
          x: { label: null },
          color: { legend: true, domain: ['pass', 'inconclusive', 'fail'], range: ['#0d652d', '#777', '#b00020'] },
          marks: [Plot.lineY(points, { x: 't', y: 'weight', curve: 'step-after', stroke: '#999' }), Plot.dot(points, { x: 't', y: 'weight', fill: 'result', r: 4 })],
        }}
      />
      <table>
        <caption className="sr-only">Each canary measurement, newest first: step, weight, result, figures and decision</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col" className="num">Step</th>
            <th scope="col" className="num">Weight %</th>
            <th scope="col" className="num">Requests stable / canary</th>
            <th scope="col">Result</th>
            <th scope="col">Checks (stable → canary)</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={`${m.at}-${m.analysis_id}`} data-measurement={m.decision.outcome}>
              <td>{fmt.time(m.at)}</td>
              <td className="num">{m.stage + 1}</td>
              <td className="num">{m.weight}</td>
              <td className="num">
                {fmt.int(m.stable_requests)} / {fmt.int(m.canary_requests)}
              </td>
              <td data-field="result">
                <strong>{RESULT[m.decision.outcome] ?? m.decision.outcome}</strong>
              </td>
              <td>
                <ul className="plain">
                  {m.decision.checks.map((c: any) => (
                    <Check key={c.metric} c={c} />
                  ))}
                </ul>
              </td>
              <td>
                {m.decision.action}
                {m.decision.weight !== m.weight ? ` → ${m.decision.weight} %` : ''}: {m.decision.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
