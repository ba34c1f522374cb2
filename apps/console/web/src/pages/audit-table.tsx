// The audit entries as a table: the Audit page shows every column, a version's page leaves out the
// model and digest it is already about.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Link } from '../router';
import { fmt, short } from '../ui';

export function AuditTable({ entries, caption, withSubject = false, testId }: { entries: any[]; caption: string; withSubject?: boolean; testId?: string }) {
  return (
    <table data-testid={testId}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          {withSubject && <th scope="col">Model</th>}
          {withSubject && <th scope="col">Digest</th>}
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id}>
            <td>{fmt.time(e.at)}</td>
            <td>
              {e.actor} ({e.role})
            </td>
            <td>{e.action}</td>
            {withSubject && <td>{e.model ?? '—'}</td>}
            {withSubject && <td>{e.model && e.digest ? <Link to={`/models/${e.model}/versions/${e.digest}`}>{short(e.digest)}</Link> : short(e.digest)}</td>}
            <td>{e.reason ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
