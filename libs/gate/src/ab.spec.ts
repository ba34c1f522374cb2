import { sampleSizeTwoProportions } from '@lynx/math';
import { abBounds, abHorizon, abLookSizes, abLooksFromOutcomes, decideAb, type AbLook } from './ab';

// The 20-look design of every test below (a look every 5 % of the horizon).
const h = abHorizon({ mde: 0.05, baseline_rate: 0.8 });

describe('abHorizon', () => {
  it('is the fixed-sample size times the O’Brien–Fleming inflation for 20 looks', () => {
    expect(h.fixed_per_arm).toBe(Math.ceil(sampleSizeTwoProportions(0.8, 0.85))); // R power.prop.test(p1 = .8, p2 = .85) → 905.3 → 906
    expect(h.fixed_per_arm).toBe(906);
    // python (scipy): with these bounds, C = sqrt(min(ti,tj)/max(ti,tj)), t = (1:20)/20,
    //   1 - multivariate_normal(zeros(20), C).cdf(b, lower_limit=-b) → 0.0499996
    //   1 - multivariate_normal(sqrt(1.046295)*(norm.ppf(.975)+norm.ppf(.8))*sqrt(t), C).cdf(b, lower_limit=-inf) → 0.7999999
    expect(h.inflation).toBeCloseTo(1.046295, 5);
    expect(h.per_arm).toBe(948);
    expect(abBounds(h)[19]).toBeCloseTo(2.12283, 4);
    expect(abLookSizes(h).slice(0, 3)).toEqual([48, 95, 143]);
  });
  it('without a baseline assumes the rates that need the most data', () => {
    const w = abHorizon({ mde: 0.05 });
    expect(w.fixed_per_arm).toBe(Math.ceil(sampleSizeTwoProportions(0.475, 0.525)));
    expect(w.per_arm).toBeGreaterThan(h.per_arm);
  });
  it('refuses a bad mde, power or look count with a validation error', () => {
    expect(() => abHorizon({ mde: 0 })).toThrow('mde must be in (0, 1)');
    expect(() => abHorizon({ mde: 0.05, power: 0.3 })).toThrow('power');
    expect(() => abHorizon({ mde: 0.05, looks: 0 })).toThrow('looks');
  });
});

const look = (n: number, pc: number, pt: number): AbLook => ({ control: { n, passed: Math.round(n * pc) }, treatment: { n, passed: Math.round(n * pt) } });

describe('decideAb', () => {
  it('never ships at an early look on a difference the fixed test would call significant', () => {
    // 48 per arm: 0.75 vs 0.92 gives z ≈ 2.2 (fixed-horizon p ≈ 0.03) but the first bound is 9.96.
    const d = decideAb(h, [look(48, 0.75, 0.92)]);
    expect(d.verdict).toBe('inconclusive');
    expect(d.looks[0].z).toBeGreaterThan(1.96);
    expect(d.reason).toBe('inconclusive: 48 judged of 948 needed per arm; next look at 95 per arm (1 of 20 looks taken)');
    expect(d.next_look_at).toBe(95);
  });
  it('ships when z crosses the look’s bound, stops when the treatment is worse or at the horizon', () => {
    const sizes = abLookSizes(h);
    const upTo = (k: number, pc: number, pt: number) => sizes.slice(0, k).map((n) => look(n, pc, pt));
    expect(decideAb(h, upTo(10, 0.8, 0.9)).verdict).toBe('ship'); // z ≈ 4.4 at 474 per arm > 3.02
    expect(decideAb(h, upTo(10, 0.8, 0.7)).verdict).toBe('stop');
    const flat = decideAb(h, upTo(20, 0.8, 0.81));
    expect(flat).toMatchObject({ verdict: 'stop', next_look_at: null, reason: expect.stringContaining('no difference of 0.05 at the horizon') });
  });
  it('refuses looks that are not the schedule’s sizes', () => {
    expect(() => decideAb(h, [look(50, 0.8, 0.8)])).toThrow('look 1 must have 48 judged answers per arm');
  });
  it('looks from ordered outcomes take the first n_k of each arm, so re-running on more data keeps the earlier looks', () => {
    const c = Array.from({ length: 200 }, (_, i) => i % 5 !== 0);
    const t = Array.from({ length: 130 }, (_, i) => i % 4 !== 0);
    const looks = abLooksFromOutcomes(h, c, t);
    expect(looks.map((l) => l.control.n)).toEqual([48, 95]);
    expect(abLooksFromOutcomes(h, [...c, true, true], [...t, false])).toEqual(looks);
    const d = decideAb(h, looks, { control: { n: 200, passed: 160 }, treatment: { n: 130, passed: 97 }, names: ['base', 'lora'] });
    expect(d.reason).toContain('130 judged of 948');
    expect(d.treatment).toMatchObject({ name: 'lora', n: 130 });
  });
});
