// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Link } from '../router';
import { Digest, Empty, ErrorBox, Loading, fmt, short, useData } from '../ui';
import { AuditTable } from './audit-table';
import { LineageGraph } from './lineage-graph';

function Verdict({ v }: { v: any }) {
  const buckets: any[] = Array.isArray(v.buckets) ? v.buckets : Object.entries(v.buckets ?? {}).map(([bucket, b]: [string, any]) => ({ bucket, ...b }));
  return (
    <section id={`verdict-${v.id}`} className="card" aria-label={`Verdict ${v.id}`}>
      <h3>
        Verdict <span className={v.passed ? 'ok' : 'bad'}>{v.passed ? 'PASS' : 'FAIL'}</span> {v.bootstrap ? '(bootstrap)' : ''} · {fmt.time(v.created_at)} by {v.created_by}
      </h3>
      <p className="muted">
        baseline <Digest digest={v.baseline_digest} /> · eval set {short(v.eval_set_digest)} {v.tolerance_pp !== null && v.tolerance_pp !== undefined ? `· tolerance ${v.tolerance_pp} pp` : ''} {v.reason ? `· ${v.reason}` : ''}
      </p>
      {buckets.length > 0 && (
        <table>
          <caption className="sr-only">Per-bucket results of verdict {v.id}</caption>
          <thead>
            <tr>
              {Object.keys(buckets[0]).map((k) => (
                <th key={k} scope="col">
                  {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b, i) => (
              <tr key={i}>
                {Object.values(b).map((x: any, j) => (
                  <td key={j} className={typeof x === 'number' ? 'num' : undefined}>
                    {typeof x === 'number' ? fmt.num(x, 4) : typeof x === 'boolean' ? (x ? 'yes' : 'no') : typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x ?? '—')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function VersionPage({ model, ref_ }: { model: string; ref_: string }) {
  const { data, error, loading } = useData(`/api/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(ref_)}`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading show={loading} />;
  const v = data.version;
  const m = encodeURIComponent(model);
  return (
    <>
      <h1>
        {model} <Digest digest={v.digest} /> {v.semver ?? ''}
      </h1>
      <dl className="facts card" data-testid="version-facts">
        <dt>Digest</dt>
        <dd>
          <code>{v.digest}</code>
        </dd>
        <dt>Status</dt>
        <dd>{v.status}</dd>
        <dt>Aliases</dt>
        <dd>{v.aliases.length ? v.aliases.map((a: string) => <span key={a} className={`badge${a === 'production' ? ' prod' : ''}`}>{a}</span>) : '—'}</dd>
        <dt>Registered</dt>
        <dd>
          {fmt.time(v.created_at)} by {v.created_by}
        </dd>
        <dt>Tags</dt>
        <dd>{Object.entries(v.tags ?? {}).map(([k, x]) => <span key={k} className="badge">{`${k}=${x}`}</span>)}</dd>
        <dt>Serving</dt>
        <dd>{v.serving ? `${fmt.int(v.serving.requests)} requests, ${fmt.time(v.serving.first_served)} – ${fmt.time(v.serving.last_served)}, USD/1k tokens ${fmt.num(v.serving.cost_per_1k_tokens, 5)}` : 'never served'}</dd>
      </dl>

      <h2>Lineage</h2>
      <LineageGraph model={model} lineage={data.lineage} driftReports={data.drift_reports} />
      <section id="run" aria-label="Training run">
        <dl className="facts card">
          <dt>Run</dt>
          <dd>{data.lineage.run.run_id ?? '—'}</dd>
          <dt>Code commit</dt>
          <dd>{data.lineage.run.code_commit ?? '—'}</dd>
          <dt>Data</dt>
          <dd>{data.lineage.run.data.map((d: any) => <div key={d.digest}>{d.name} <Digest digest={d.digest} /></div>)}</dd>
          <dt>Parameters</dt>
          <dd className="pre">{JSON.stringify(data.lineage.run.params)}</dd>
        </dl>
      </section>

      <h2>Files</h2>
      <table data-testid="files">
        <caption className="sr-only">Files of the bundle with sizes</caption>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col" className="num">Size (bytes)</th>
            <th scope="col">Digest</th>
          </tr>
        </thead>
        <tbody>
          {data.files.map((f: any) => (
            <tr key={f.path}>
              <td>
                <code>{f.path}</code>
              </td>
              <td className="num">{fmt.int(f.size)}</td>
              <td>
                <Digest digest={f.digest} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="evaluations">Evaluations and verdicts</h2>
      {data.lineage.evaluations.length === 0 && data.verdicts.length === 0 && <Empty command={`lynx gate evaluate ${model}@${short(v.digest)}`}>No evaluation yet: run</Empty>}
      {data.lineage.evaluations.length > 0 && (
        <table>
          <caption className="sr-only">Evaluations</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Eval set</th>
              <th scope="col" className="num">Accuracy</th>
            </tr>
          </thead>
          <tbody>
            {data.lineage.evaluations.map((e: any) => (
              <tr key={e.id}>
                <td>{fmt.time(e.created_at)}</td>
                <td>{e.created_by}</td>
                <td>{short(e.eval_set_digest)}</td>
                <td className="num">{fmt.num(e.accuracy, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.verdicts.map((x: any) => <Verdict key={x.id} v={x} />)}

      <h2 id="moves">Alias moves</h2>
      {data.lineage.alias_moves.length === 0 ? (
        <Empty>No alias has pointed here.</Empty>
      ) : (
        <table>
          <caption className="sr-only">Alias moves that touched this version</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Alias</th>
              <th scope="col">Kind</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {data.lineage.alias_moves.map((mv: any) => (
              <tr key={mv.id}>
                <td>{fmt.time(mv.at)}</td>
                <td>{mv.alias}</td>
                <td>{mv.kind}</td>
                <td>{mv.from_digest ? <Link to={`/models/${m}/versions/${mv.from_digest}`}>{short(mv.from_digest)}</Link> : '—'}</td>
                <td>
                  <Link to={`/models/${m}/versions/${mv.to_digest}`}>{short(mv.to_digest)}</Link>
                </td>
                <td>{mv.actor}</td>
                <td>{mv.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Drift reports</h2>
      <ErrorBox error={data.drift_error ? new Error(data.drift_error) : undefined} />
      {data.drift_reports.length === 0 ? (
        <Empty>No drift report for this version yet: windows close on the drift worker's schedule.</Empty>
      ) : (
        <ul>
          {data.drift_reports.map((r: any) => (
            <li key={r.id}>
              <Link to={`/models/${m}/drift?report=${encodeURIComponent(r.id)}`}>
                {r.window.id}: {r.decision} ({fmt.int(r.count)} requests)
              </Link>
            </li>
          ))}
        </ul>
      )}

      <h2>Retrain candidates</h2>
      {data.lineage.children.length === 0 ? (
        <Empty>No version was retrained from this one.</Empty>
      ) : (
        <ul>
          {data.lineage.children.map((c: any) => (
            <li key={c.digest}>
              <Link to={`/models/${m}/versions/${c.digest}`}>{short(c.digest)}</Link> {c.semver ?? ''} ({c.status}, {fmt.time(c.created_at)})
            </li>
          ))}
        </ul>
      )}

      <h2>Audit</h2>
      {data.audit.length === 0 ? (
        <Empty>No audit entry names this digest.</Empty>
      ) : (
        <AuditTable entries={data.audit} caption="Audit entries for this version" />
      )}
    </>
  );
}
