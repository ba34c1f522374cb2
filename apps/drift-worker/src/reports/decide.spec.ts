import { decide, type DecideInput } from './decide';

const base: DecideInput = { hasReference: true, count: 1000, minCount: 200, raw: 'none', state: {}, cooldownUntil: 0, now: 1_000 };

describe('decide', () => {
  it('reports no_reference and insufficient_data before looking at metrics', () => {
    expect(decide({ ...base, hasReference: false, raw: 'retrain' }).decision).toBe('no_reference');
    expect(decide({ ...base, count: 199, raw: 'retrain' }).decision).toBe('insufficient_data');
  });

  it('needs two consecutive windows over watch to say watch', () => {
    const first = decide({ ...base, raw: 'watch' });
    expect(first.decision).toBe('none');
    expect(decide({ ...base, raw: 'watch', state: first.next }).decision).toBe('watch');
    expect(decide({ ...base, raw: 'none', state: { lastRaw: 'watch' } }).decision).toBe('none');
  });

  it('goes to retrain at once when one window is over a retrain threshold', () => {
    expect(decide({ ...base, raw: 'retrain' }).decision).toBe('retrain');
  });

  it('holds a retrain back as watch during the cooldown', () => {
    const r = decide({ ...base, raw: 'retrain', cooldownUntil: 2_000 });
    expect(r.decision).toBe('watch');
    expect(r.reasons.join(' ')).toMatch(/cooldown/);
    expect(decide({ ...base, raw: 'retrain', cooldownUntil: 1_000 }).decision).toBe('retrain');
  });
});
