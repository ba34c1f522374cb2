import { useState, type FormEvent } from 'react';
import { setQuery, useLocation } from '../router';
import { Empty, ErrorBox, Loading, useData } from '../ui';
import { AuditTable } from './audit-table';

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
        <AuditTable entries={data.entries} caption="Audit entries, newest first" withSubject testId="audit-table" />
      )}
    </>
  );
}
