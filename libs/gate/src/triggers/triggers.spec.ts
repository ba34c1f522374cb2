import { exactCriticalCount, performanceMinJudged, performanceTrigger, scheduleTrigger, triggerCooldown, triggerJobId, volumeTrigger } from './index';

const perf = { gateAccuracy: 0.9, maxDrop: 0.05, alpha: 0.01, minJudged: 100 };

describe('performanceTrigger (one-sided exact binomial test against gate accuracy − drop)', () => {
  it('p-values match scipy.stats.binomtest(k, n, p, alternative="less")', () => {
    // binomtest(160, 200, 0.85, alternative='less').pvalue = 0.0335461855955679 → hold at α 0.01
    expect(performanceTrigger({ ...perf, judged: 200, passed: 160 })).toMatchObject({ decision: 'hold', bound: 0.85 });
    expect(performanceTrigger({ ...perf, judged: 200, passed: 160 }).pValue).toBeCloseTo(0.0335461855955679, 12);
    // binomtest(4500, 5000, 0.91, ...) with gate 0.96 − 0.05: 0.007886504282834978 → fire
    const r = performanceTrigger({ ...perf, gateAccuracy: 0.96, judged: 5000, passed: 4500 });
    expect(r.decision).toBe('fire');
    expect(r.pValue).toBeCloseTo(0.007886504282834978, 12);
    expect(r.reason).toMatch(/live pass rate 90\.0 % over 5000 judged/);
  });
  it('a drop smaller than the allowed one never fires, however many judged', () => {
    expect(performanceTrigger({ ...perf, judged: 100000, passed: 87000 }).decision).toBe('hold');
  });
  it('too few judged → insufficient_data; guards', () => {
    expect(performanceTrigger({ ...perf, judged: 99, passed: 10 }).decision).toBe('insufficient_data');
    expect(() => performanceTrigger({ ...perf, judged: 10, passed: 11 })).toThrow(/passed <= judged/);
    expect(() => performanceTrigger({ ...perf, alpha: 0, judged: 10, passed: 1 })).toThrow(/alpha/);
  });
});

describe('volumeTrigger', () => {
  it('fires at the threshold', () => {
    expect(volumeTrigger({ newJudged: 499, threshold: 500 }).decision).toBe('hold');
    expect(volumeTrigger({ newJudged: 500, threshold: 500 })).toMatchObject({ decision: 'fire', milestone: 500 });
    expect(() => volumeTrigger({ newJudged: 1, threshold: 0 })).toThrow(/threshold/);
  });
});

describe('scheduleTrigger (cron-parser)', () => {
  it('fires once per occurrence since the last firing, naming the occurrence', () => {
    const cron = '0 3 * * *';
    const r = scheduleTrigger({ cron, since: new Date('2026-12-05T12:00:00Z'), now: new Date('2026-12-06T03:00:30Z') });
    expect(r).toMatchObject({ decision: 'fire', occurrence: '2026-12-06T03:00:00.000Z' });
    expect(scheduleTrigger({ cron, since: new Date(r.occurrence!), now: new Date('2026-12-06T20:00:00Z') }).decision).toBe('hold');
    expect(scheduleTrigger({ cron, since: new Date('2026-12-05T12:00:00Z'), now: new Date('2026-12-06T03:00:00Z') }).occurrence).toBe('2026-12-06T03:00:00.000Z');
  });
  it('missed occurrences collapse into the latest; a bad expression is a clear error', () => {
    const r = scheduleTrigger({ cron: '*/10 * * * *', since: new Date('2026-12-06T00:00:00Z'), now: new Date('2026-12-06T01:05:00Z') });
    expect(r.occurrence).toBe('2026-12-06T01:00:00.000Z');
    expect(() => scheduleTrigger({ cron: 'every day', since: new Date(0), now: new Date() })).toThrow(/invalid cron expression "every day"/);
  });
});

describe('triggerCooldown and triggerJobId', () => {
  it('holds for the configured duration', () => {
    expect(triggerCooldown({ lastFiredAt: null, cooldownMs: 1000, now: 5 })).toEqual({ held: false, until: null });
    expect(triggerCooldown({ lastFiredAt: 1000, cooldownMs: 1000, now: 1999 }).held).toBe(true);
    expect(triggerCooldown({ lastFiredAt: 1000, cooldownMs: 1000, now: 2000 }).held).toBe(false);
  });
  it('is deterministic and BullMQ-safe', () => {
    const d = `sha256:${'ab'.repeat(32)}`;
    expect(triggerJobId('schedule', 'grammar-tutor', d, '2026-12-06T03:00:00.000Z')).toBe('schedule-grammar-tutor-abababababababab-2026-12-06T03_00_00.000Z');
    expect(triggerJobId('volume', 'm', d, 500)).toBe(triggerJobId('volume', 'm', d, 500));
  });
});

describe('performanceMinJudged and exactCriticalCount', () => {
  it('match scipy: the exact test at α 0.01 against 0.87 and power 0.95 at 0.82 needs 850 judged', () => {
    // for n in range(50, 5000, 50): k = largest k with scipy.stats.binom.cdf(k, n, 0.87) < 0.01;
    //   first n with scipy.stats.binom.cdf(k, n, 0.82) >= 0.95 → 850 (k 715, power 0.95247)
    expect(exactCriticalCount(850, 0.87, 0.01)).toBe(715);
    // n = 150 → k 119 (size 0.0057860); n = 3600 → k 3084 (size 0.0099674)
    expect(exactCriticalCount(150, 0.87, 0.01)).toBe(119);
    expect(exactCriticalCount(3600, 0.87, 0.01)).toBe(3084);
    expect(performanceMinJudged({ gateAccuracy: 0.92, maxDrop: 0.05, alpha: 0.01, power: 0.95, effect: 0.05 })).toBe(850);
    expect(() => performanceMinJudged({ gateAccuracy: 0.05, maxDrop: 0.05, alpha: 0.01, power: 0.95, effect: 0.05 })).toThrow(RangeError);
  });
});
