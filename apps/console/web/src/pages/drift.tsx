// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { useMemo } from 'react';
import { setQuery, useLocation } from '../router';
import { Empty, ErrorBox, Loading, PlotFigure, Plot, fmt, short, useData } from '../ui';

// The worker's reports carry `metric` and `value` per row; a report of libs/schema's shape only kl/js/psi/ks.
const metricOf = (m: any) => m.value ?? m.psi ?? m.js ?? m.kl ?? m.ks?.statistic ?? null;
const metricName = (m: any) => String(m.metric ?? (m.psi !== undefined ? 'psi' : m.js !== undefined ? 'js' : m.kl !== undefined ? 'kl' : 'ks')).toUpperCase();

export function DriftPage({ model }: { model: string }) {
  const { query } = useLocation();
  const report = query.get('report') ?? '';
  const { data, error, loading } = useData(`/api/models/${encodeURIComponent(model)}/drift${report ? `?report=${encodeURIComponent(report)}` : ''}`);
  const overTime = useMemo(
    () =>
      (data?.reports ?? []).flatMap((r: any) =>
        r.metrics.filter((m: any) => m.against === 'reference' && !m.advisory && metricOf(m) !== null).map((m: any) => ({ t: new Date(r.window.end), feature: `${m.feature} ${metricName(m)}`, value: metricOf(m) })),
      ),
    [data],
  );
  const feature = query.get('feature') ?? data?.report?.histograms?.[0]?.feature ?? '';
  const histogram = useMemo(() => {
    const h = (data?.report?.histograms ?? []).find((x: any) => x.feature === feature);
    if (!h) return [];
    const prev = new Map(((data?.previous?.histograms ?? []).find((x: any) => x.feature === feature)?.buckets ?? []).map((b: any) => [b.bucket, b.current]));
    // The 15 buckets with the most share in the window keep the chart readable (lemmas run to ~100).
    const top = [...h.buckets].sort((a: any, b: any) => b.current - a.current).slice(0, 15);
    return top.flatMap((b: any) => [
      { bucket: b.bucket, side: 'reference', share: b.reference ?? 0 },
      { bucket: b.bucket, side: 'window', share: b.current },
      ...(prev.has(b.bucket) ? [{ bucket: b.bucket, side: 'previous window', share: prev.get(b.bucket) as number }] : []),
    ]);
  }, [data, feature]);
  const movers = useMemo(() => {
    if (!data?.report) return [];
    const prev = new Map((data.previous?.top_movers ?? []).map((m: any) => [`${m.feature}/${m.bucket}`, m.current_share]));
    return data.report.top_movers
      .filter((m: any) => m.bucket !== undefined)
      .slice(0, 8)
      .flatMap((m: any) => [
        { bucket: `${m.feature}=${m.bucket}`, side: 'reference', share: m.reference_share ?? 0 },
        { bucket: `${m.feature}=${m.bucket}`, side: 'window', share: m.current_share ?? 0 },
        ...(prev.has(`${m.feature}/${m.bucket}`) ? [{ bucket: `${m.feature}=${m.bucket}`, side: 'previous window', share: prev.get(`${m.feature}/${m.bucket}`) as number }] : []),
      ]);
  }, [data]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading show={loading} />;
  if (data.reports.length === 0) return <><h1>Drift of {model}</h1><Empty command="curl -X POST …/v1/drift/windows/close">No drift report yet: windows close on the drift worker's schedule, or close one now with</Empty></>;
  const r = data.report;
  return (
    <>
      <h1>Drift of {model}</h1>
      {overTime.length === 0 ? (
        <Empty command={`lynx drift profile ${model}@production`}>No window was compared with a reference profile yet (decisions below say why): give the version a profile with</Empty>
      ) : (
        <PlotFigure label="Metric against the reference profile per feature, over windows" options={{ height: 240, width: 800, y: { grid: true, label: 'metric' }, x: { label: 'window end' }, color: { legend: true, type: 'categorical' }, marks: [Plot.lineY(overTime, { x: 't', y: 'value', stroke: 'feature', marker: 'circle' })] }} />
      )}
      <h2>Decision per window</h2>
      <table data-testid="drift-windows">
        <caption className="sr-only">Drift decision per window; choose one to see its histograms</caption>
        <thead>
          <tr>
            <th scope="col">Window</th>
            <th scope="col">Version</th>
            <th scope="col" className="num">Requests</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {data.reports.map((x: any) => (
            <tr key={x.id} aria-current={r?.id === x.id ? 'true' : undefined}>
              <td>
                <button type="button" className="secondary" onClick={() => setQuery({ report: x.id })}>
                  {x.window.id} · {short(x.digest)}
                </button>
              </td>
              <td>{short(x.digest)}</td>
              <td className="num">{fmt.int(x.count)}</td>
              <td className={x.decision === 'retrain' ? 'bad' : x.decision === 'watch' ? 'warn' : undefined}>{x.decision}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r && (
        <section aria-labelledby="chosen-h">
          <h2 id="chosen-h">
            Window {r.window.id} ({fmt.time(r.window.start)} – {fmt.time(r.window.end)}): <span data-field="decision">{r.decision}</span>
          </h2>
          <table>
            <caption className="sr-only">Per-feature metrics of the chosen window</caption>
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">Against</th>
                <th scope="col">Metric</th>
                <th scope="col" className="num">Value</th>
                <th scope="col" className="num">Threshold</th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {r.metrics.map((m: any, i: number) => (
                <tr key={i}>
                  <td>{m.feature}</td>
                  <td>{m.against}</td>
                  <td>{metricName(m)}</td>
                  <td className="num">{fmt.num(metricOf(m), 4)}</td>
                  <td className="num">{fmt.num(m.threshold, 3)}</td>
                  <td className={m.verdict === 'drift' ? 'bad' : m.verdict === 'watch' ? 'warn' : undefined}>{m.verdict}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Histograms: reference, window and previous window</h2>
          {(r.histograms ?? []).length > 0 && (
            <form className="inline" aria-label="Choose a feature" onSubmit={(e) => e.preventDefault()}>
              <label>
                Feature
                <select name="feature" value={feature} onChange={(e) => setQuery({ feature: e.target.value }, true)}>
                  {r.histograms.map((h: any) => (
                    <option key={h.feature} value={h.feature}>
                      {h.feature}
                    </option>
                  ))}
                </select>
              </label>
            </form>
          )}
          {histogram.length > 0 && (
            <PlotFigure label={`Share per bucket of ${feature}: reference, this window, previous window`} options={{ height: 60 + new Set(histogram.map((h) => h.bucket)).size * 36, width: 800, marginLeft: 40, marginRight: 110, x: { label: 'share', grid: true }, y: { axis: null }, fy: { label: null }, color: { legend: true, domain: ['reference', 'window', 'previous window'] }, marks: [Plot.barX(histogram, { x: 'share', y: 'side', fy: 'bucket', fill: 'side' })] }} />
          )}
          <h2>Top movers</h2>
          {movers.length === 0 ? (
            <Empty>No categorical bucket moved in this window.</Empty>
          ) : (
            <PlotFigure label="Share of each top-moving bucket in the reference, this window and the previous window" options={{ height: 280, width: 800, marginLeft: 160, x: { label: 'share', grid: true }, y: { label: null }, fy: { label: null }, color: { legend: true }, marks: [Plot.barX(movers, { x: 'share', y: 'side', fy: 'bucket', fill: 'side' })] }} />
          )}
        </section>
      )}
    </>
  );
}
