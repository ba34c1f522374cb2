import { pairedSampleSize, pairedScoreTestPower } from '@lynx/math';
import { ValidationError } from '@lynx/schema';
import { formatPowerTable } from '../table';
import { GATE_FAIL_ALPHA, GATE_PASS_ALPHA } from './constants';
import { GATE_ASSUMED_DISCORDANCE, planGatePower } from './power';

describe('planGatePower', () => {
  const half = GATE_ASSUMED_DISCORDANCE / 2;

  it('gates the buckets that hold the items an unchanged candidate needs, and drops the rest to report-only', () => {
    const sizes = { 'tense.a': 3000, 'tense.b': 2500, 'verb.x': 400, 'verb.y': 120 };
    const plan = planGatePower(sizes, Object.keys(sizes), { tolerance: 0.02 });
    // Two qualify, so K = 2: each must pass with power 1 − 0.05/2.
    const needed = Math.ceil(pairedSampleSize(half, half, -0.02, GATE_PASS_ALPHA, 1 - 0.05 / 2));
    expect(plan.gatingCount).toBe(2);
    expect(plan.buckets.map((b) => [b.name, b.gating, b.needed])).toEqual([
      ['tense.a', true, needed],
      ['tense.b', true, needed],
      ['verb.x', false, needed],
      ['verb.y', false, needed],
    ]);
    expect(plan.buckets[1].passPower).toBeGreaterThanOrEqual(1 - 0.05 / 2);
    expect(plan.buckets[3].passPower).toBeLessThan(0.5);
  });

  it('a bucket not listed as a candidate never gates, however large', () => {
    const plan = planGatePower({ big: 10000, other: 5000 }, ['other'], { tolerance: 0.02 });
    expect(plan.buckets.find((b) => b.name === 'big')?.gating).toBe(false);
    expect(plan.gatingCount).toBe(1);
  });

  it('states the drop each bucket fails with power 0.8 at the fail-side level, larger for smaller buckets', () => {
    const plan = planGatePower({ a: 3000, b: 300 }, ['a', 'b'], { tolerance: 0.02 });
    const [a, b] = plan.buckets;
    expect(a.detectableDrop).not.toBeNull();
    const perBucket = GATE_FAIL_ALPHA / plan.gatingCount;
    // The mirrored test of H0: drop ≤ tolerance at the stated drop has power 0.8.
    expect(pairedScoreTestPower(3000, half + (a.detectableDrop as number), half, 0.02, perBucket)).toBeCloseTo(0.8, 4);
    expect(b.detectableDrop as number).toBeGreaterThan(a.detectableDrop as number);
  });

  it('prints the table with the plan underneath', () => {
    const text = formatPowerTable(planGatePower({ 'tense.a': 3000, 'verb.y': 120 }, ['tense.a', 'verb.y'], { tolerance: 0.02 }));
    expect(text.split('\n')[0]).toMatch(/^bucket\s+gates\s+n\s+needed\s+P\(pass \| equal\)\s+detects drop >=$/);
    expect(text).toMatch(/tense\.a\s+yes\s+3000/);
    expect(text).toMatch(/verb\.y\s+no \(report only\)\s+120/);
    expect(text).toContain('power plan: tolerance 0.02');
  });

  it('refuses a tolerance, discordance or bucket size it cannot plan with', () => {
    expect(() => planGatePower({ a: 10 }, ['a'], { tolerance: 0 })).toThrow(ValidationError);
    expect(() => planGatePower({ a: 10 }, ['a'], { tolerance: 0.02, discordance: 0.7 })).toThrow(/discordance/);
    expect(() => planGatePower({ a: 0 }, ['a'], { tolerance: 0.02 })).toThrow(/at least one item/);
  });
});
