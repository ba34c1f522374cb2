// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Link } from '../router';
import { Digest, Empty, ErrorBox, Loading, fmt, short, useData, useLive } from '../ui';

export function ModelsPage() {
  const { data, error, loading, reload } = useData<{ models: any[] }>('/api/models');
  const live = useLive(undefined, reload);
  return (
    <>
      <h1>Models</h1>
      <p className="muted" aria-live="polite">
        {live ? 'Live: updates as requests are served and plans or aliases move.' : 'Connecting to live updates…'}
      </p>
      <ErrorBox error={error} />
      <Loading show={loading && !data} />
      {data && data.models.length === 0 && <Empty command="lynx push ./bundle --model NAME">No models yet: register a version with</Empty>}
      {data && data.models.length > 0 && (
        <table>
          <caption className="sr-only">Models with production, plan, traffic, drift and canary</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Production</th>
              <th scope="col">Semver</th>
              <th scope="col">Plan</th>
              <th scope="col" className="num">Requests (last hour)</th>
              <th scope="col">Last drift decision</th>
              <th scope="col">Open canary</th>
              <th scope="col" className="num">Versions</th>
            </tr>
          </thead>
          <tbody>
            {data.models.map((m) => (
              <tr key={m.name} data-model={m.name}>
                <th scope="row">
                  <Link to={`/models/${encodeURIComponent(m.name)}/versions`}>{m.name}</Link>
                </th>
                <td data-field="production">{m.production ? <><Link to={`/models/${m.name}/versions/${m.production.digest}`}>{short(m.production.digest)}</Link> <Digest digest={m.production.digest} copyOnly /></> : <span className="muted">none: <code>lynx promote</code></span>}</td>
                <td>{m.production?.semver ?? '—'}</td>
                <td data-field="plan">
                  {m.plan ? (
                    <Link to={`/models/${m.name}/traffic`}>
                      {m.plan.strategy} (rev {m.plan.revision})
                    </Link>
                  ) : (
                    <span className="muted">
                      no plan: <code>lynx traffic set {m.name} …</code>
                    </span>
                  )}
                </td>
                <td className="num" data-field="requests">{fmt.int(m.requests_last_hour)}</td>
                <td>{m.drift ? <Link to={`/models/${m.name}/drift?report=${encodeURIComponent(m.drift.id)}`}>{m.drift.decision}</Link> : <span className="muted">{m.drift_error ? 'drift worker unreachable' : 'no report yet'}</span>}</td>
                <td>{m.plan?.strategy === 'canary' ? `${m.plan.plan.status ?? 'progressing'} at ${m.plan.plan.weight} %${m.canary?.active ? ', analysed' : ''}` : '—'}</td>
                <td className="num">{fmt.int(m.version_count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
