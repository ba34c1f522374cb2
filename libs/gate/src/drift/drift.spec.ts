import { DRIFT_THRESHOLDS, DRIFT_WINDOW_DESIGN } from '@lynx/schema';
import { decideDrift, driftLevel, driftMinimumWindow, histogramDrift, pooledChiSquare, stepDriftCooldown, type DecideDriftInput } from './index';

const base: DecideDriftInput = { windowId: 'w1', hasReference: true, count: 1000, minCount: 500, raw: 'none', state: {}, cooldown: { left: 0 }, cooldownWindows: 1 };

describe('decideDrift', () => {
  it('reports no_reference and insufficient_data before looking at metrics', () => {
    expect(decideDrift({ ...base, hasReference: false, raw: 'retrain' }).decision).toBe('no_reference');
    const small = decideDrift({ ...base, count: 499, raw: 'retrain' });
    expect(small.decision).toBe('insufficient_data');
    expect(small.reasons[0]).toMatch(/499 events < minimum window 500/);
  });

  it('needs two consecutive windows over watch to say watch; retrain at once', () => {
    const first = decideDrift({ ...base, raw: 'watch' });
    expect(first.decision).toBe('none');
    expect(decideDrift({ ...base, windowId: 'w2', raw: 'watch', state: first.next }).decision).toBe('watch');
    expect(decideDrift({ ...base, raw: 'none', state: { lastRaw: 'watch' } }).decision).toBe('none');
    expect(decideDrift({ ...base, raw: 'retrain' }).decision).toBe('retrain');
  });

  it('counts the cooldown in windows: held for cooldownWindows windows after a retrain, then free', () => {
    let cooldown = { left: 0 } as DecideDriftInput['cooldown'];
    const decisions: string[] = [];
    for (const w of ['w1', 'w2', 'w3', 'w4', 'w5']) {
      const r = decideDrift({ ...base, windowId: w, raw: 'retrain', cooldown, cooldownWindows: 2 });
      decisions.push(r.decision);
      cooldown = r.cooldown;
    }
    expect(decisions).toEqual(['retrain', 'watch', 'watch', 'retrain', 'watch']);
  });

  it('is idempotent per window: a second version or a re-run in the same window sees the same hold', () => {
    const r1 = decideDrift({ ...base, raw: 'retrain' });
    const again = decideDrift({ ...base, raw: 'retrain', cooldown: r1.cooldown });
    expect(again.decision).toBe('watch');
    expect(again.reasons.join(' ')).toMatch(/cooldown/);
    const zero = decideDrift({ ...base, windowId: 'w2', raw: 'retrain', cooldown: decideDrift({ ...base, raw: 'retrain', cooldownWindows: 0 }).cooldown, cooldownWindows: 0 });
    expect(zero.decision).toBe('retrain');
    expect(() => decideDrift({ ...base, cooldownWindows: -1 })).toThrow(/cooldownWindows/);
  });

  it('an insufficient window still counts toward the cooldown', () => {
    const r1 = decideDrift({ ...base, raw: 'retrain' });
    const r2 = decideDrift({ ...base, windowId: 'w2', count: 10, raw: 'retrain', cooldown: r1.cooldown });
    expect(r2.decision).toBe('insufficient_data');
    expect(decideDrift({ ...base, windowId: 'w3', raw: 'retrain', cooldown: r2.cooldown }).decision).toBe('retrain');
  });

  it('stepDriftCooldown steps once per window', () => {
    const s = stepDriftCooldown({ left: 2 }, 'a');
    expect(s).toEqual({ held: true, next: { left: 1, lastWindowId: 'a', held: true } });
    expect(stepDriftCooldown(s.next, 'a')).toEqual({ held: true, next: s.next });
  });
});

describe('histogramDrift', () => {
  // A seeded multinomial sample (mulberry32), so the test sees sampling noise as the worker does.
  function sample(probs: readonly number[], n: number, seed: number): number[] {
    let a = seed >>> 0;
    const rand = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const counts = probs.map(() => 0);
    for (let i = 0; i < n; i++) {
      let u = rand();
      let j = 0;
      while (j < probs.length - 1 && u >= probs[j]) u -= probs[j++];
      counts[j]++;
    }
    return counts;
  }

  it('centres the same true shift on its true KL at 1 000 and 10 000 events, where the plug-in is not', () => {
    // 10 % of traffic onto 3 of 97 lemmas: true KL 0.0895 (scipy.stats.entropy(p, q)), mid watch band.
    const q = Array.from({ length: 97 }, () => 1 / 97);
    const p = q.map((v, i) => 0.9 * v + (i < 3 ? 0.1 / 3 : 0));
    const ref = sample(q, 6000, 1);
    const mean = (n: number, key: 'raw' | 'corrected') => {
      let s = 0;
      for (let t = 0; t < 20; t++) s += histogramDrift({ kind: 'categorical', reference: ref, current: sample(p, n, 100 + t), thresholds: DRIFT_THRESHOLDS.kl })[key];
      return s / 20;
    };
    expect(Math.abs(mean(1000, 'corrected') - mean(10000, 'corrected'))).toBeLessThan(0.01);
    expect(mean(1000, 'raw') - mean(10000, 'raw')).toBeGreaterThan(0.03);
    expect(Math.abs(mean(10000, 'corrected') - 0.0895)).toBeLessThan(0.015);
    expect(histogramDrift({ kind: 'categorical', reference: ref, current: sample(p, 3000, 7), thresholds: DRIFT_THRESHOLDS.kl }).verdict).toBe('watch');
  });

  it('no shift: corrected KL near 0, verdict ok', () => {
    const q = Array.from({ length: 97 }, () => 1 / 97);
    const r = histogramDrift({ kind: 'categorical', reference: sample(q, 6000, 2), current: sample(q, 1000, 3), thresholds: DRIFT_THRESHOLDS.kl });
    expect(r).toMatchObject({ metric: 'kl', verdict: 'ok', significant: false });
    expect(Math.abs(r.corrected)).toBeLessThan(0.06);
  });

  it('over the threshold but not significant → ok with the unconfirmed verdict', () => {
    // Two bins, tiny samples: the corrected PSI is large but the chi-square cannot reject.
    const r = histogramDrift({ kind: 'scalar', reference: [6, 4], current: [3, 7], thresholds: DRIFT_THRESHOLDS.psi });
    expect(r.metric).toBe('psi');
    expect(r.corrected).toBeGreaterThan(DRIFT_THRESHOLDS.psi.watch);
    expect(r).toMatchObject({ verdict: 'ok', significant: false });
    expect(r.unconfirmed).toBeDefined();
    expect(() => histogramDrift({ kind: 'scalar', reference: [1], current: [1], thresholds: DRIFT_THRESHOLDS.psi, alpha: 2 })).toThrow(/alpha/);
  });

  it('driftLevel takes the strongest verdict', () => {
    expect(driftLevel(['ok', 'watch'])).toBe('watch');
    expect(driftLevel(['ok', 'drift', 'watch'])).toBe('retrain');
    expect(driftLevel([])).toBe('none');
  });

  it('pooledChiSquare pools small columns and refuses ragged input', () => {
    // scipy.stats.chi2_contingency([[50,50,5],[60,40,0]], correction=False) after pooling [5,0] away:
    // chi2_contingency([[50,50],[60,40]], correction=False) → statistic 2.0202, p 0.15518
    const r = pooledChiSquare([50, 50, 2], [60, 40, 0])!;
    expect(r.dof).toBe(1);
    expect(() => pooledChiSquare([1, 2], [1])).toThrow(/same length/);
    expect(pooledChiSquare([0, 0], [1, 1])).toBeNull();
  });
});

describe('driftMinimumWindow', () => {
  it('matches the scipy power calculation: 500 events for 97 lemmas and a 6 000-event reference', () => {
    // for n in range(50, 3000, 50): N = 1/(1/n + 1/6000); crit = 96 + 2*N*0.05
    //   first n with scipy.stats.chi2.sf(crit, 96) <= 0.01/6 and scipy.stats.ncx2.sf(crit, 96, 2*N*0.0895170) >= 0.8
    //   → 500 (false alarm 0.00156 rules out 450; power there 0.952)
    const d = DRIFT_WINDOW_DESIGN;
    expect(driftMinimumWindow({ categories: 97, referenceSize: 6000, shiftKl: d.shiftKl, watch: DRIFT_THRESHOLDS.kl.watch, falseAlarm: d.windowFalseAlarm / d.decidingMetrics, power: d.power })).toBe(500);
  });
  it('fewer categories need fewer events; guards', () => {
    expect(driftMinimumWindow({ categories: 5, referenceSize: 6000, shiftKl: 0.0895, watch: 0.05, falseAlarm: 0.0017, power: 0.8 })).toBeLessThan(500);
    expect(() => driftMinimumWindow({ categories: 97, referenceSize: 6000, shiftKl: 0.04, watch: 0.05, falseAlarm: 0.01, power: 0.8 })).toThrow(/must exceed the watch/);
    expect(() => driftMinimumWindow({ categories: 97, referenceSize: 50, shiftKl: 0.0895, watch: 0.05, falseAlarm: 0.001, power: 0.99, max: 1000 })).toThrow(/no window/);
  });
});
