// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { useMemo } from 'react';
import { Empty, ErrorBox, Loading, PlotFigure, Plot, fmt, useData } from '../ui';

export function ShadowPage({ model }: { model: string }) {
  const { data, error, loading } = useData(`/api/models/${encodeURIComponent(model)}/shadow`);
  const agreement = useMemo(() => (data?.agreement ?? []).map((a: any) => ({ ...a, t: new Date(a.t) })), [data]);
  const buckets = useMemo(
    () =>
      (data?.buckets ?? []).flatMap((b: any) =>
        (['primary', 'shadow'] as const).filter((s) => b[s]).map((s) => ({ bucket: b.bucket, side: s, accuracy: b[s].accuracy, lower: b[s].interval?.lower, upper: b[s].interval?.upper })),
      ),
    [data],
  );
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading show={loading} />;
  const r = data.report;
  return (
    <>
      <h1>Shadow of {model}</h1>
      {r.pairs === 0 ? (
        <Empty command={`lynx traffic set ${model} --strategy shadow --primary production --shadow REF --percent 10`}>No shadow pairs in the last hour: mirror traffic with</Empty>
      ) : (
        <>
          <dl className="facts card" data-testid="shadow-summary">
            <dt>Pairs</dt>
            <dd>{fmt.int(r.pairs)}</dd>
            <dt>Agreement</dt>
            <dd data-field="agreement">{fmt.pct(r.agreement_rate)}</dd>
            <dt>Primary accuracy</dt>
            <dd>{fmt.pct(r.primary.accuracy)} ({r.primary.graded} graded)</dd>
            <dt>Shadow accuracy</dt>
            <dd>{fmt.pct(r.shadow.accuracy)} ({r.shadow.graded} graded)</dd>
          </dl>
          <PlotFigure label="Agreement per minute" options={{ height: 200, width: 700, y: { domain: [0, 1], grid: true, label: 'agreement' }, marks: [Plot.lineY(agreement, { x: 't', y: 'rate', marker: 'circle' })] }} />
          <h2>Per-bucket accuracy with 95 % Wilson intervals</h2>
          {buckets.length === 0 ? (
            <Empty>No pair could be graded: none of their inputs is in the eval set the console reads (LYNX_CONSOLE_EVAL_SET).</Empty>
          ) : (
          <PlotFigure label="Accuracy per bucket, primary and shadow, with intervals" options={{ height: Math.max(160, buckets.length * 14), width: 800, marginLeft: 210, x: { domain: [0, 1], grid: true, label: 'accuracy' }, y: { label: null }, color: { legend: true, type: 'categorical' }, marks: [Plot.ruleY(buckets, { y: (d: any) => `${d.bucket} · ${d.side}`, x1: 'lower', x2: 'upper', stroke: 'side' }), Plot.dot(buckets, { y: (d: any) => `${d.bucket} · ${d.side}`, x: 'accuracy', fill: 'side' })] }} />
          )}
          <table data-testid="shadow-buckets">
            <caption className="sr-only">Per-bucket accuracy</caption>
            <thead>
              <tr>
                <th scope="col">Bucket</th>
                <th scope="col" className="num">Primary n</th>
                <th scope="col">Primary accuracy [95 %]</th>
                <th scope="col" className="num">Shadow n</th>
                <th scope="col">Shadow accuracy [95 %]</th>
              </tr>
            </thead>
            <tbody>
              {data.buckets.map((b: any) => (
                <tr key={b.bucket}>
                  <td>{b.bucket}</td>
                  <td className="num">{b.primary?.n ?? 0}</td>
                  <td>{b.primary ? `${fmt.num(b.primary.accuracy)} [${fmt.num(b.primary.interval?.lower)}, ${fmt.num(b.primary.interval?.upper)}]` : '—'}</td>
                  <td className="num">{b.shadow?.n ?? 0}</td>
                  <td>{b.shadow ? `${fmt.num(b.shadow.accuracy)} [${fmt.num(b.shadow.interval?.lower)}, ${fmt.num(b.shadow.interval?.upper)}]` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Disagreements</h2>
          {r.examples.length === 0 ? (
            <Empty>Both sides gave the same answer to every request.</Empty>
          ) : (
            <table data-testid="disagreements">
              <caption className="sr-only">Requests where the two sides answered differently</caption>
              <thead>
                <tr>
                  <th scope="col">Input</th>
                  <th scope="col">Primary answer</th>
                  <th scope="col">Shadow answer</th>
                </tr>
              </thead>
              <tbody>
                {r.examples.map((x: any) => (
                  <tr key={x.request_id}>
                    <td>{x.input}</td>
                    <td className={x.primary_ok === true ? 'ok' : x.primary_ok === false ? 'bad' : undefined}>{x.primary}</td>
                    <td className={x.shadow_ok === true ? 'ok' : x.shadow_ok === false ? 'bad' : undefined}>{x.shadow}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
