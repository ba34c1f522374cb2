import fc from 'fast-check';
import { MathInputError, sampleSizeTwoProportions, twoProportionZTest } from './index';

describe('sampleSizeTwoProportions', () => {
  it('R power.prop.test(p1 = .5, p2 = .6, power = .8): n = 387.3385', () => {
    expect(sampleSizeTwoProportions(0.5, 0.6)).toBeCloseTo(387.3385, 3);
  });
  it('R ?power.prop.test example power.prop.test(p1 = .50, p2 = .75, power = .90): n = 76.7069', () => {
    expect(sampleSizeTwoProportions(0.5, 0.75, 0.05, 0.9)).toBeCloseTo(76.7069, 3);
  });
  it('is symmetric in p1, p2 and grows as the effect shrinks', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.9, noNaN: true }), fc.double({ min: 0.01, max: 0.05, noNaN: true }), (p, d) => {
        const n = sampleSizeTwoProportions(p, p + d);
        expect(sampleSizeTwoProportions(p + d, p)).toBeCloseTo(n, 6);
        expect(sampleSizeTwoProportions(p, p + d / 2)).toBeGreaterThan(n);
      }),
    );
  });
  it('at that size the observed difference is significant about as often as the power says (z at the expected counts ≈ z₀.₉₇₅ + z₀.₈ scaled)', () => {
    // With n per group and the exact expected proportions, the pooled z sits between z_α/2 and z_α/2 + z_β.
    const n = Math.ceil(sampleSizeTwoProportions(0.5, 0.6));
    const { z } = twoProportionZTest(Math.round(0.6 * n), n, Math.round(0.5 * n), n);
    expect(z).toBeGreaterThan(1.96);
    expect(z).toBeLessThan(1.96 + 0.8417 + 0.05);
  });
  it('rejects bad input naming the function', () => {
    expect(() => sampleSizeTwoProportions(0.5, 0.5)).toThrow(MathInputError);
    expect(() => sampleSizeTwoProportions(1.2, 0.5)).toThrow('sampleSizeTwoProportions: p1 must be in [0, 1]');
    expect(() => sampleSizeTwoProportions(0.5, 0.6, 0)).toThrow('alpha');
    expect(() => sampleSizeTwoProportions(0.5, 0.6, 0.05, 1)).toThrow('power');
  });
});
