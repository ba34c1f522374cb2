// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { Link } from '../router';
import { Digest, Empty, ErrorBox, Loading, PlotFigure, Plot, fmt, short, useCan, useData, useLive } from '../ui';
import { CanaryTimeline } from './canary-timeline';

type Control = { action: string; label: string; danger?: boolean };

function controlsFor(plan: any): Control[] {
  const c: Control[] = [];
  if (plan?.strategy === 'canary') {
    if (plan.status === 'paused') c.push({ action: 'resume', label: 'Resume canary' });
    else if (plan.status !== 'aborted') c.push({ action: 'pause', label: 'Pause canary' });
    if (plan.status !== 'aborted') c.push({ action: 'abort', label: 'Abort canary', danger: true });
    c.push({ action: 'promote', label: 'Promote canary' });
  }
  if (plan?.strategy === 'bluegreen') {
    c.push({ action: 'switch', label: 'Switch blue/green' });
    c.push({ action: 'promote', label: 'Promote preview' });
  }
  c.push({ action: 'rollback', label: 'Roll back production', danger: true });
  return c;
}

/** Asks for the reason every control needs, then sends it; the service's answer is shown as is. */
function ReasonDialog({ control, model, onDone }: { control: Control | null; model: string; onDone: (msg: string | null) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<Error>();
  if (control && ref.current && !ref.current.open) ref.current.showModal();
  const close = (msg: string | null) => {
    setReason('');
    setError(undefined);
    ref.current?.close();
    onDone(msg);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!control) return;
    const m = encodeURIComponent(model);
    const call = control.action === 'rollback' ? api.post(`/api/models/${m}/rollback`, { reason }) : api.post(`/api/models/${m}/traffic/actions`, { action: control.action, reason });
    call.then(() => close(`${control.label}: done`), (err: Error) => setError(err));
  };
  return (
    <dialog ref={ref} aria-labelledby="reason-title" onCancel={() => close(null)}>
      <form onSubmit={submit}>
        <h2 id="reason-title">{control?.label}</h2>
        <label htmlFor="reason">Reason (kept in the registry's history)</label>
        <textarea id="reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required />
        <ErrorBox error={error} />
        <div className="controls">
          <button type="submit" className={control?.danger ? 'danger' : 'primary'}>
            Confirm
          </button>
          <button type="button" className="secondary" onClick={() => close(null)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function TrafficPage({ model }: { model: string }) {
  const { data, error, loading, reload } = useData(`/api/models/${encodeURIComponent(model)}/traffic`);
  const [arms, setArms] = useState<any[] | null>(null);
  const live = useLive(model, (d) => {
    setArms(d.arms);
    reload();
  });
  const canOperate = useCan('operator');
  const [control, setControl] = useState<Control | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const shownArms = arms ?? data?.arms ?? [];
  const series = useMemo(() => shownArms.flatMap((a: any) => a.series.map((p: any) => ({ arm: a.arm, t: new Date(p.t), rps: p.rps }))), [shownArms]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading show={loading} />;
  const plan = data.plan?.plan;
  const routerArms: any[] = data.router?.arms ?? [];
  return (
    <>
      <h1>Traffic of {model}</h1>
      <p className="muted" aria-live="polite">
        {live ? 'Live: figures update every second.' : 'Connecting to live updates…'}
      </p>
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      {!plan && <Empty command={`lynx traffic set ${model} --strategy single`}>No traffic plan: set one with</Empty>}
      {plan && (
        <section className="card" aria-labelledby="plan-h" data-testid="plan">
          <h2 id="plan-h">
            Plan: {plan.strategy} (revision {data.plan.revision}){plan.status ? `, ${plan.status}` : ''}
          </h2>
          <ErrorBox error={data.router_error ? new Error(data.router_error) : undefined} />
          <table>
            <caption className="sr-only">Arms of the plan as the router runs them</caption>
            <thead>
              <tr>
                <th scope="col">Arm</th>
                <th scope="col">Role</th>
                <th scope="col">Ref</th>
                <th scope="col">Digest</th>
                <th scope="col" className="num">Weight</th>
              </tr>
            </thead>
            <tbody>
              {routerArms.map((a) => (
                <tr key={a.arm} data-arm={a.arm}>
                  <td>{a.arm}</td>
                  <td>{a.role}</td>
                  <td>{a.ref}</td>
                  <td data-field="arm-digest">
                    <Link to={`/models/${model}/versions/${a.digest}`}>{short(a.digest)}</Link>
                  </td>
                  <td className="num">{a.percent !== undefined ? `${a.percent} % mirrored` : a.weight}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {canOperate && (
        <div className="controls" role="group" aria-label="Operator controls">
          {controlsFor(plan).map((c) => (
            <button key={c.action} type="button" className={c.danger ? 'danger' : 'secondary'} onClick={() => setControl(c)}>
              {c.label}
            </button>
          ))}
        </div>
      )}
      <ReasonDialog
        control={control}
        model={model}
        onDone={(msg) => {
          setControl(null);
          if (msg) {
            setNotice(msg);
            reload();
          }
        }}
      />

      <h2>Live, per arm</h2>
      {shownArms.length === 0 ? (
        <Empty command={`curl …/v1/chat/completions -d '{"model":"${model}",…}'`}>No requests in the last hour: send one through the router, e.g.</Empty>
      ) : (
        <>
          <table data-testid="live-arms">
            <caption className="sr-only">Requests per second, errors and p99 latency per arm</caption>
            <thead>
              <tr>
                <th scope="col">Arm</th>
                <th scope="col">Digest</th>
                <th scope="col" className="num">Req/s (10 s)</th>
                <th scope="col" className="num">Errors/s</th>
                <th scope="col" className="num">p99 ms (1 min)</th>
                <th scope="col" className="num">Requests (1 h)</th>
                <th scope="col" className="num">Errors (1 h)</th>
              </tr>
            </thead>
            <tbody>
              {shownArms.map((a: any) => (
                <tr key={a.arm} data-arm={a.arm}>
                  <td>{a.arm}</td>
                  <td>
                    <Digest digest={a.digest} />
                  </td>
                  <td className="num">{fmt.num(a.req_per_s, 1)}</td>
                  <td className="num">{fmt.num(a.errors_per_s, 2)}</td>
                  <td className="num">{fmt.num(a.p99_ms, 0)}</td>
                  <td className="num" data-field="requests">{fmt.int(a.requests_last_hour)}</td>
                  <td className="num">{fmt.int(a.errors_last_hour)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <PlotFigure label="Requests per second per arm, last 5 minutes" options={{ height: 200, width: 700, y: { label: 'req/s', grid: true }, x: { label: null }, color: { legend: true }, marks: [Plot.lineY(series, { x: 't', y: 'rps', stroke: 'arm' })] }} />
        </>
      )}

      <h2>Canary analysis</h2>
      <ErrorBox error={data.canary_error ? new Error(data.canary_error) : undefined} />
      {plan?.strategy !== 'canary' ? (
        <Empty command={`lynx traffic set ${model} --strategy canary --stable production --canary REF --weight 10`}>No canary: start one with</Empty>
      ) : !data.canary?.last ? (
        <Empty command={`curl -X POST …/v1/gate/canaries/${model}`}>No measurement yet: start the gate's analysis with</Empty>
      ) : (
        <dl className="facts card" data-testid="canary">
          <dt>Analysis</dt>
          <dd>
            {data.canary.active ? 'running' : 'stopped'} since {fmt.time(data.canary.started_at)}, every {data.canary.interval_ms} ms, failures {data.canary.failures ?? 0}
          </dd>
          <dt>Last measurement</dt>
          <dd>
            {fmt.time(data.canary.last.at)}: <strong>{data.canary.last.outcome ?? data.canary.last.decision ?? data.canary.last.action}</strong> {data.canary.last.reason ?? ''}
          </dd>
          <dt>Figures</dt>
          <dd className="pre">{JSON.stringify({ stable: data.canary.last.stable, canary: data.canary.last.canary }, null, 1)}</dd>
          {data.canary.stopped && (
            <>
              <dt>Stopped</dt>
              <dd>
                {fmt.time(data.canary.stopped.at)}: {data.canary.stopped.reason}
              </dd>
            </>
          )}
        </dl>
      )}
      <CanaryTimeline model={model} version={data.canary?.last?.at ?? data.canary?.started_at ?? ''} />

      <h2>Plan history</h2>
      <table>
        <caption className="sr-only">Every stored revision of the plan</caption>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">When</th>
            <th scope="col">By</th>
            <th scope="col">Plan</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {[...data.history].reverse().map((h: any) => (
            <tr key={h.revision}>
              <td>{h.revision}</td>
              <td>{fmt.time(h.updated_at)}</td>
              <td>{h.updated_by}</td>
              <td>
                <code>{JSON.stringify(h.plan)}</code>
              </td>
              <td>{h.reason ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
