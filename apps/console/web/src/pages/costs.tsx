// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { useMemo } from 'react';
import { Link } from '../router';
import { Empty, ErrorBox, Loading, PlotFigure, Plot, fmt, short, useData } from '../ui';

export function CostsPage({ model }: { model: string }) {
  const { data, error, loading } = useData(`/api/models/${encodeURIComponent(model)}/costs`);
  const series = useMemo(() => (data?.series ?? []).map((p: any) => ({ ...p, t: new Date(p.t), version: short(p.digest) })), [data]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading show={loading} />;
  return (
    <>
      <h1>Costs of {model}</h1>
      {data.rows.length === 0 ? (
        <Empty command="npm start">No version has served yet, so nothing has cost anything: the cost emitter posts usage once requests flow (is it running?)</Empty>
      ) : (
        <>
          <div className="row">
            <PlotFigure label="USD per 1k tokens per version, by rollup window" options={{ height: 220, width: 560, marginLeft: 70, y: { grid: true, label: 'USD / 1k tokens' }, color: { legend: true }, marks: [Plot.dot(series, { x: 't', y: 'usd_per_1k_tokens', fill: 'version' })] }} />
            <PlotFigure label="Cost per quality unit per version, by rollup window" options={{ height: 220, width: 560, marginLeft: 70, y: { grid: true, label: 'CpQU' }, color: { legend: true }, marks: [Plot.dot(series.filter((p: any) => p.cpqu !== null), { x: 't', y: 'cpqu', fill: 'version' })] }} />
          </div>
          <table data-testid="costs-table">
            <caption className="sr-only">Cost per version over all its serving</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Semver</th>
                <th scope="col" className="num">Requests</th>
                <th scope="col" className="num">Tokens</th>
                <th scope="col" className="num">Accuracy</th>
                <th scope="col" className="num">USD / 1k tokens</th>
                <th scope="col" className="num">CpQU</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r: any) => (
                <tr key={r.digest} data-digest={r.digest}>
                  <td>
                    <Link to={`/models/${model}/versions/${r.digest}`}>{short(r.digest)}</Link>
                  </td>
                  <td>{r.semver ?? '—'}</td>
                  <td className="num">{fmt.int(r.requests)}</td>
                  <td className="num">{fmt.int(r.tokens)}</td>
                  <td className="num">{fmt.num(r.accuracy)}</td>
                  <td className="num" data-field="usd">{fmt.num(r.usd_per_1k_tokens, 6)}</td>
                  <td className="num" data-field="cpqu">{fmt.num(r.cpqu, 6)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
