// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { useState, type FormEvent } from 'react';
import { Link, setQuery, useLocation } from '../router';
import { Empty, ErrorBox, Loading, fmt, short, useData } from '../ui';

const FIELDS = ['model', 'actor', 'action', 'since', 'until'] as const;

export function AuditPage() {
  const { query } = useLocation();
  const current = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? '']));
  const params = new URLSearchParams(Object.entries(current).filter(([, v]) => v));
  const { data, error, loading } = useData(`/api/audit?${params}`);
  const [form, setForm] = useState(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery(Object.fromEntries(FIELDS.map((f) => [f, form[f].trim()])));
  };
  return (
    <>
      <h1>Audit</h1>
      <form className="inline" onSubmit={submit} aria-label="Filter audit entries">
        {FIELDS.map((f) => (
          <label key={f}>
            {f === 'since' || f === 'until' ? `${f} (ISO time)` : f}
            <input name={f} value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} />
          </label>
        ))}
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      <ErrorBox error={error} />
      <Loading show={loading && !data} />
      {data && data.entries.length === 0 && <Empty>No audit entry matches these filters.</Empty>}
      {data && data.entries.length > 0 && (
        <table data-testid="audit-table">
          <caption className="sr-only">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Model</th>
              <th scope="col">Digest</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {data.entries.map((e: any) => (
              <tr key={e.id}>
                <td>{fmt.time(e.at)}</td>
                <td>
                  {e.actor} ({e.role})
                </td>
                <td>{e.action}</td>
                <td>{e.model ?? '—'}</td>
                <td>{e.model && e.digest ? <Link to={`/models/${e.model}/versions/${e.digest}`}>{short(e.digest)}</Link> : short(e.digest)}</td>
                <td>{e.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
