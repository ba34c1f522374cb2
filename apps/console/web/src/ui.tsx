// The pages read the console API's JSON as the server shapes it (apps/console/src/api); `any`
// here is that JSON, as in the project's .ts files where the rule is off.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as Plot from '@observablehq/plot';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';

export interface Me {
  name: string;
  role: 'reader' | 'trainer' | 'operator' | 'ci' | 'admin';
}

const RANK: Record<Me['role'], number> = { reader: 0, trainer: 1, operator: 2, ci: 3, admin: 4 };

export const MeContext = createContext<Me | null>(null);

/** Whether the signed-in role may use a control; the service still checks every call. */
export function useCan(role: Me['role']): boolean {
  const me = useContext(MeContext);
  return !!me && RANK[me.role] >= RANK[role];
}

/** GET a console API path; `reload` fetches again (after a control, or on a live update). */
export function useData<T = any>(path: string | null): { data?: T; error?: ApiError | Error; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  const reload = useCallback(() => setN((x) => x + 1), []);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api.get<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, n]);
  return { ...state, reload };
}

/** Server-sent `change` events for a model (or all models): calls `onChange` with the event's data. */
export function useLive(model: string | undefined, onChange: (data: any) => void): boolean {
  const [connected, setConnected] = useState(false);
  const ref = useRef(onChange);
  ref.current = onChange;
  useEffect(() => {
    const es = new EventSource(`/api/events${model ? `?model=${encodeURIComponent(model)}` : ''}`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener('change', (e) => ref.current(JSON.parse((e as MessageEvent).data)));
    return () => es.close();
  }, [model]);
  return connected;
}

export function ErrorBox({ error }: { error?: Error }) {
  if (!error) return null;
  return (
    <div role="alert" className="error">
      <strong>{error instanceof ApiError ? `${error.status} ${error.code}` : 'error'}:</strong> {error.message}
    </div>
  );
}

/** An empty state that says what to do, with the command to type. */
export function Empty({ children, command }: { children: ReactNode; command?: string }) {
  return (
    <p className="empty">
      {children}
      {command && (
        <>
          {' '}
          <code>{command}</code>
        </>
      )}
    </p>
  );
}

export function Loading({ show }: { show: boolean }) {
  return show ? <p aria-live="polite" className="muted">Loading…</p> : null;
}

export const short = (digest: string | null | undefined) => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '—');

/** A short digest with the full one in its title and a copy button. */
export function Digest({ digest, copyOnly = false }: { digest: string | null | undefined; copyOnly?: boolean }) {
  const [copied, setCopied] = useState(false);
  if (!digest) return <span className="muted">—</span>;
  return (
    <span className="digest">
      {!copyOnly && <code title={digest}>{short(digest)}</code>}
      <button
        type="button"
        className="copy"
        aria-label={`Copy digest ${digest}`}
        onClick={() => {
          void navigator.clipboard?.writeText(digest).then(() => setCopied(true), () => undefined);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? 'copied' : 'copy'}
      </button>
    </span>
  );
}

export const fmt = {
  num: (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits)),
  pct: (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`),
  int: (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toLocaleString('en-US')),
  time: (t: string | null | undefined) => (t ? t.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—'),
};

/** An Observable Plot chart with a text label (the figure's caption) for screen readers. */
export function PlotFigure({ options, label }: { options: Plot.PlotOptions; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = Plot.plot({ style: { background: 'transparent', fontSize: '12px' }, ...options });
    // One accessible name for the picture (the caption's text); Plot's labels on inner groups are
    // not allowed there (a <g> has no role), and the marks are decoration to a screen reader.
    chart.querySelectorAll('[aria-label]').forEach((n) => n.removeAttribute('aria-label'));
    chart.querySelectorAll('[aria-description]').forEach((n) => n.removeAttribute('aria-description'));
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', label);
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [options, label]);
  return (
    <figure className="chart">
      <div ref={ref} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

export { Plot };
