import { MathInputError, oneSidedNormalMixtureLogRatio } from './index';

// Reference values: the mixture integral itself, by numerical integration (scipy 1.17), not the
// closed form under test:
//   S = z*sqrt(I); f = lambda th: exp(th*S - th*th*I/2) * 2*norm.pdf(th/tau)/tau
//   log(quad(f, 0, peak)[0] + quad(f, peak, inf)[0]),  peak = max(S/(I + 1/tau**2), 0)
describe('oneSidedNormalMixtureLogRatio (one-sided normal-mixture SPRT, Howard et al. 2021)', () => {
  it.each([
    [4, 10_000, 0.02, 6.2882548996474705],
    [0, 10_000, 0.02, -0.8047189562170501],
    [-2, 500, 0.05, -1.2891814266617945],
    [3, 2_000, 0.03, 3.063083341582867],
    [2.5, 100, 0.1, 1.8697609395939243],
    [5, 50_000, 0.01, 10.213931607443469],
  ])('log Λ(z %p, I %p, τ %p) is %p', (z, information, tau, expected) => {
    expect(oneSidedNormalMixtureLogRatio(z, information, tau)).toBeCloseTo(expected, 8);
  });
  it('is 0 (Λ = 1, no evidence) with no information, and −∞ far below the null', () => {
    expect(oneSidedNormalMixtureLogRatio(3, 0, 0.02)).toBeCloseTo(0, 12);
    expect(oneSidedNormalMixtureLogRatio(-1e4, 1e6, 0.02)).toBe(-Infinity);
  });
  it('needs a larger z for the same evidence when it is looked at with more information (the boundary grows like √log I)', () => {
    expect(oneSidedNormalMixtureLogRatio(3.5, 1e6, 0.02)).toBeLessThan(oneSidedNormalMixtureLogRatio(3.5, 1e4, 0.02));
  });
  it('refuses bad input naming the function', () => {
    expect(() => oneSidedNormalMixtureLogRatio(1, -1, 0.02)).toThrow('oneSidedNormalMixtureLogRatio: information');
    expect(() => oneSidedNormalMixtureLogRatio(1, 100, 0)).toThrow(MathInputError);
    expect(() => oneSidedNormalMixtureLogRatio(Number.NaN, 100, 0.02)).toThrow('z must be a number');
  });
});
