import type { Arm, CompiledPlan } from './compiled-plan';
import { selectArm, weighted } from './select-arm';

const arm = (name: string, weight: number, role: Arm['role'] = 'ab'): Arm => ({
  name,
  role,
  ref: name,
  digest: `sha256:${name.padEnd(64, '0')}`,
  semver: null,
  weight,
  upstream: { baseUrl: 'http://u', model: name, timeoutMs: 1 },
});

describe('selectArm', () => {
  it('weighted buckets follow cumulative weights and never pick weight 0', () => {
    const arms = [arm('a', 1), arm('z', 0), arm('b', 3)];
    expect(weighted(arms, 0).name).toBe('a');
    expect(weighted(arms, 0.2499).name).toBe('a');
    expect(weighted(arms, 0.25).name).toBe('b');
    expect(weighted(arms, 0.9999).name).toBe('b');
  });

  it('A/B is sticky per hashed user, bluegreen previews only on request', () => {
    const ab: CompiledPlan = { model: 'm', revision: 1, plan: { strategy: 'ab', arms: [{ ref: 'a', weight: 1 }, { ref: 'b', weight: 1 }] }, arms: [arm('a', 1), arm('b', 1)], stable: arm('a', 1), loadedAt: '' };
    const picks = new Set(Array.from({ length: 20 }, () => selectArm(ab, { userHash: 'u1', random: Math.random }).arm.name));
    expect(picks.size).toBe(1);
    const users = new Set(Array.from({ length: 50 }, (_, i) => selectArm(ab, { userHash: `u${i}`, random: () => 0 }).arm.name));
    expect(users).toEqual(new Set(['a', 'b']));
    const active = arm('active', 1, 'primary');
    const bg: CompiledPlan = { model: 'm', revision: 1, plan: { strategy: 'bluegreen', active: 'x', preview: 'y' }, arms: [active, arm('preview', 0, 'preview')], stable: active, loadedAt: '' };
    expect(selectArm(bg, { random: Math.random }).arm.name).toBe('active');
    expect(selectArm(bg, { armHeader: 'preview', random: Math.random }).arm.name).toBe('preview');
  });

  it('bandit arms are weighted by the gate’s shares and sticky per hashed user', () => {
    const plan = { strategy: 'bandit' as const, arms: [{ name: 'good', ref: 'a', weight: 95 }, { name: 'worse', ref: 'b', weight: 5 }] };
    const b: CompiledPlan = { model: 'm', revision: 3, plan, arms: [arm('good', 95, 'bandit'), arm('worse', 5, 'bandit')], stable: arm('good', 95, 'bandit'), loadedAt: '' };
    const picks = new Set(Array.from({ length: 20 }, () => selectArm(b, { userHash: 'u7', random: Math.random }).arm.name));
    expect(picks.size).toBe(1);
    const served = Array.from({ length: 2000 }, (_, i) => selectArm(b, { userHash: `user-${i}`, random: Math.random }).arm.name);
    const worseShare = served.filter((n) => n === 'worse').length / served.length;
    expect(worseShare).toBeGreaterThan(0.02);
    expect(worseShare).toBeLessThan(0.09);
  });
});
