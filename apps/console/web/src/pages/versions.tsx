// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { useMemo, useState, type FormEvent } from 'react';
import { Link, setQuery, useLocation } from '../router';
import { Digest, Empty, ErrorBox, Loading, fmt, short, useData } from '../ui';

const COLUMNS = [
  ['digest', 'Digest'],
  ['semver', 'Semver'],
  ['aliases', 'Aliases'],
  ['variant', 'Variant'],
  ['accuracy', 'Gate accuracy'],
  ['usd_per_1k_tokens', 'USD / 1k tokens'],
  ['cpqu', 'CpQU'],
  ['requests', 'Requests'],
  ['first_served', 'First served'],
  ['last_served', 'Last served'],
] as const;
type Col = (typeof COLUMNS)[number][0];
const NUMERIC = new Set<Col>(['accuracy', 'usd_per_1k_tokens', 'cpqu', 'requests']);

function compare(a: any, b: any, col: Col): number {
  const x = col === 'aliases' ? a.aliases.join(',') : a[col];
  const y = col === 'aliases' ? b.aliases.join(',') : b[col];
  if (x === y) return 0;
  if (x === null || x === undefined || x === '') return 1;
  if (y === null || y === undefined || y === '') return -1;
  return x < y ? -1 : 1;
}

/** "What was production, and what served, at this moment": the answer for ?t=… */
function AtTime({ model, t }: { model: string; t: string }) {
  const { data, error } = useData(`/api/models/${encodeURIComponent(model)}/at?t=${encodeURIComponent(t)}`);
  return (
    <section aria-labelledby="at-heading" className="card" data-testid="at-time">
      <h2 id="at-heading">At {fmt.time(t)}</h2>
      <ErrorBox error={error} />
      {data && (
        <dl className="facts">
          <dt>Production</dt>
          <dd data-field="production-at">
            {data.production ? (
              <>
                <Link to={`/models/${model}/versions/${data.production.digest}`}>{short(data.production.digest)}</Link> {data.production.semver ?? ''} since {fmt.time(data.production.since)} ({data.production.kind} by {data.production.by}: {data.production.reason})
              </>
            ) : (
              'nothing was production yet'
            )}
          </dd>
          <dt>Served</dt>
          <dd data-field="served-at">
            {data.served.length
              ? data.served.map((s: any) => (
                  <span key={s.digest} className="badge">
                    <Link to={`/models/${model}/versions/${s.digest}`}>{short(s.digest)}</Link> {s.semver ?? ''}
                  </span>
                ))
              : 'no version served then'}
          </dd>
          <dt>Plan</dt>
          <dd>{data.plan ? `revision ${data.plan.revision}: ${(data.plan.plan as any).strategy}, set ${fmt.time(data.plan.updated_at)} by ${data.plan.updated_by}` : 'no plan stored yet'}</dd>
        </dl>
      )}
    </section>
  );
}

export function VersionsPage({ model }: { model: string }) {
  const { query } = useLocation();
  const tag = query.get('tag') ?? '';
  const cursor = query.get('cursor') ?? '';
  const sort = (query.get('sort') as Col | null) ?? undefined;
  const dir = query.get('dir') === 'desc' ? 'desc' : 'asc';
  const t = query.get('t') ?? '';
  const params = new URLSearchParams({ limit: '50', ...(tag ? { tag } : {}), ...(cursor ? { cursor } : {}) });
  const { data, error, loading } = useData(`/api/models/${encodeURIComponent(model)}/versions?${params}`);
  const [tagInput, setTagInput] = useState(tag);
  const [timeInput, setTimeInput] = useState(t ? t.slice(0, 19) : '');
  const rows = useMemo(() => {
    const items = [...(data?.items ?? [])];
    if (sort) items.sort((a, b) => (dir === 'asc' ? 1 : -1) * compare(a, b, sort));
    return items;
  }, [data, sort, dir]);
  const [history, setHistory] = useState<string[]>([]);
  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    setHistory([]);
    setQuery({ tag: tagInput.trim(), cursor: undefined });
  };
  const onTime = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ t: timeInput ? new Date(`${timeInput}Z`).toISOString() : undefined });
  };
  return (
    <>
      <h1>Versions of {model}</h1>
      <div className="row">
        <form className="inline" onSubmit={onFilter} aria-label="Filter versions">
          <label>
            Tag (key or key=value)
            <input name="tag" value={tagInput} onChange={(e) => setTagInput(e.target.value)} placeholder="variant=int8" />
          </label>
          <button type="submit" className="secondary">
            Filter
          </button>
        </form>
        <form className="inline" onSubmit={onTime} aria-label="What was production and what served at a moment">
          <label>
            At (UTC)
            <input name="at" type="datetime-local" step="1" value={timeInput} onChange={(e) => setTimeInput(e.target.value)} />
          </label>
          <button type="submit" className="secondary">
            Show production then
          </button>
        </form>
      </div>
      {t && <AtTime model={model} t={t} />}
      <ErrorBox error={error} />
      <Loading show={loading && !data} />
      {data && data.items.length === 0 && <Empty command={`lynx push ./bundle --model ${model}`}>{tag ? `No version has tag ${tag}.` : 'No versions yet: register one with'}</Empty>}
      {data && data.items.length > 0 && (
        <>
          <table data-testid="versions-table">
            <caption className="sr-only">Versions of {model}, newest first; column headers sort this page</caption>
            <thead>
              <tr>
                {COLUMNS.map(([col, label]) => (
                  <th key={col} scope="col" className={NUMERIC.has(col) ? 'num' : undefined} aria-sort={sort === col ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                    <button type="button" onClick={() => setQuery({ sort: col, dir: sort === col && dir === 'asc' ? 'desc' : 'asc' }, true)}>
                      {label}
                      {sort === col ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((v: any) => (
                <tr key={v.digest} data-digest={v.digest}>
                  <td>
                    <Link to={`/models/${model}/versions/${v.digest}`} aria-label={`Version ${short(v.digest)}`}>
                      {short(v.digest)}
                    </Link>{' '}
                    <Digest digest={v.digest} copyOnly />
                  </td>
                  <td>{v.semver ?? '—'}</td>
                  <td>
                    {v.aliases.map((a: string) => (
                      <span key={a} className={`badge${a === 'production' ? ' prod' : ''}`}>
                        {a}
                      </span>
                    ))}
                  </td>
                  <td>{v.variant ?? '—'}</td>
                  <td className="num">{fmt.num(v.accuracy)}</td>
                  <td className="num">{fmt.num(v.usd_per_1k_tokens, 5)}</td>
                  <td className="num">{fmt.num(v.cpqu, 5)}</td>
                  <td className="num">{fmt.int(v.requests)}</td>
                  <td>{fmt.time(v.first_served)}</td>
                  <td>{fmt.time(v.last_served)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            <button type="button" className="secondary" disabled={!cursor} onClick={() => {
              const prev = history.at(-1);
              setHistory(history.slice(0, -1));
              setQuery({ cursor: prev });
            }}>
              Previous page
            </button>
            <button type="button" className="secondary" disabled={!data.next_cursor} onClick={() => {
              setHistory([...history, cursor]);
              setQuery({ cursor: data.next_cursor });
            }}>
              Next page
            </button>
            <span className="muted">50 per page, newest first; sorting orders this page.</span>
          </nav>
        </>
      )}
    </>
  );
}
