import { abAnalysis } from './ab';

describe('abAnalysis', () => {
  it('is inconclusive until both arms reach the fixed-horizon sample size', () => {
    const a = abAnalysis({ name: 'a', n: 100, passed: 50 }, { name: 'b', n: 100, passed: 60 }, { mde: 0.1 });
    // R power.prop.test(p1 = .5, p2 = .6, power = .8) → n = 387.34 → 388 per arm
    expect(a).toMatchObject({ verdict: 'inconclusive', required_per_arm: 388, remaining: 288 });
    expect(a.p_value).toBeCloseTo(0.15522, 4);
  });
  it('ships a significantly better treatment at the horizon and holds otherwise', () => {
    const ship = abAnalysis({ name: 'a', n: 400, passed: 200 }, { name: 'b', n: 400, passed: 240 }, { mde: 0.1 });
    expect(ship.verdict).toBe('ship');
    const same = abAnalysis({ name: 'a', n: 400, passed: 200 }, { name: 'b', n: 400, passed: 205 }, { mde: 0.1 });
    expect(same.verdict).toBe('hold');
    const worse = abAnalysis({ name: 'a', n: 400, passed: 240 }, { name: 'b', n: 400, passed: 200 }, { mde: 0.1 });
    expect(worse).toMatchObject({ verdict: 'hold', reason: expect.stringContaining('worse') });
  });
  it('an arm with no judged requests is inconclusive; a bad mde is refused', () => {
    expect(abAnalysis({ name: 'a', n: 0, passed: 0 }, { name: 'b', n: 5, passed: 5 }).verdict).toBe('inconclusive');
    expect(() => abAnalysis({ name: 'a', n: 1, passed: 1 }, { name: 'b', n: 1, passed: 1 }, { mde: 0 })).toThrow('mde');
  });
});
