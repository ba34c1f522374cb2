import { ValidationError, type TrafficPlan } from '@lynx/schema';
import { SessionStore, sessionIdFrom } from '../session/session.store';
import { atTime, type MoveLike, type PlanChangeLike, type ServedLike } from './at-time';
import { filterAudit } from './audit-filter';
import { planAfter } from './plan-actions';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('atTime', () => {
  const moves: MoveLike[] = [
    { kind: 'promote', from_digest: null, to_digest: A, actor: 'ci', reason: 'first', semver: 'v1.0.0', at: '2026-01-01T10:00:00.000Z' },
    { kind: 'promote', from_digest: A, to_digest: B, actor: 'ci', reason: 'second', semver: 'v1.1.0', at: '2026-01-01T12:00:00.000Z' },
    { kind: 'rollback', from_digest: B, to_digest: A, actor: 'op', reason: 'bad', semver: 'v1.0.0', at: '2026-01-01T14:00:00.000Z' },
  ];
  const served: ServedLike[] = [
    { digest: A, semver: 'v1.0.0', first_served: '2026-01-01T10:00:05.000Z', last_served: '2026-01-01T15:00:00.000Z', requests: 10 },
    { digest: B, semver: 'v1.1.0', first_served: '2026-01-01T12:00:01.000Z', last_served: '2026-01-01T13:59:59.000Z', requests: 5 },
  ];
  const plans: PlanChangeLike[] = [
    { revision: 1, plan: { strategy: 'single' }, updated_at: '2026-01-01T09:00:00.000Z', updated_by: 'op' },
    { revision: 2, plan: { strategy: 'shadow' }, updated_at: '2026-01-01T13:00:00.000Z', updated_by: 'op' },
  ];

  it('answers with the move in force, the versions serving then and the plan revision', () => {
    const r = atTime('2026-01-01T13:30:00Z', moves, served, plans);
    expect(r.production).toMatchObject({ digest: B, semver: 'v1.1.0', kind: 'promote', since: '2026-01-01T12:00:00.000Z' });
    expect(r.served.map((s) => s.digest)).toEqual([A, B]);
    expect(r.plan?.revision).toBe(2);
  });

  it('counts a move at exactly T, and says nothing was production before the first move', () => {
    expect(atTime('2026-01-01T14:00:00Z', moves, served, plans).production).toMatchObject({ digest: A, kind: 'rollback' });
    const before = atTime('2026-01-01T08:00:00Z', moves, served, plans);
    expect(before).toMatchObject({ production: null, served: [], plan: null });
  });
});

describe('planAfter', () => {
  const canary: TrafficPlan = { strategy: 'canary', stable: 'production', canary: B, weight: 20 };
  it('pauses, resumes and aborts a canary; promote serves the canary alone', () => {
    expect(planAfter('pause', canary)).toMatchObject({ status: 'paused', weight: 20 });
    expect(planAfter('resume', { ...canary, status: 'paused' })).toMatchObject({ status: 'progressing' });
    expect(planAfter('abort', canary)).toMatchObject({ status: 'aborted', weight: 0 });
    expect(planAfter('promote', canary)).toEqual({ strategy: 'single', ref: B });
  });

  it('switches blue/green sides and refuses a control that does not apply', () => {
    expect(planAfter('switch', { strategy: 'bluegreen', active: A, preview: B })).toEqual({ strategy: 'bluegreen', active: B, preview: A });
    expect(() => planAfter('pause', { strategy: 'single' })).toThrow(ValidationError);
    expect(() => planAfter('switch', canary)).toThrow(/only a blue\/green plan/);
  });
});

describe('filterAudit', () => {
  const entries = [
    { id: 3, at: '2026-01-01T12:00:00Z', actor: 'op', action: 'rollback', model: 'm' },
    { id: 2, at: '2026-01-01T11:00:00Z', actor: 'ci', action: 'promote', model: 'm' },
    { id: 1, at: '2026-01-01T10:00:00Z', actor: 'op', action: 'traffic.changed', model: 'm' },
  ];
  it('filters by actor, action and an inclusive time range', () => {
    expect(filterAudit(entries, { actor: 'op' }).map((e) => e.id)).toEqual([3, 1]);
    expect(filterAudit(entries, { action: 'promote' }).map((e) => e.id)).toEqual([2]);
    expect(filterAudit(entries, { since: '2026-01-01T11:00:00Z', until: '2026-01-01T12:00:00Z' }).map((e) => e.id)).toEqual([3, 2]);
  });
});

describe('SessionStore', () => {
  it('finds a session by its cookie until it has been idle too long', () => {
    let now = 0;
    const store = new SessionStore(1000, () => now);
    const s = store.create('tok', { name: 'n', role: 'reader' });
    const id = sessionIdFrom(`other=1; lynx_console_session=${s.id}`);
    expect(store.get(id)?.token).toBe('tok');
    now = 900;
    expect(store.get(id)).toBeDefined(); // use resets the idle clock
    now = 1800;
    expect(store.get(id)).toBeDefined();
    now = 2900;
    expect(store.get(id)).toBeUndefined();
    expect(sessionIdFrom(undefined)).toBeUndefined();
  });
});
