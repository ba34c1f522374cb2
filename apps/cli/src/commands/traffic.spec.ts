import { planFromOptions } from './traffic';

describe('lynx traffic set: flags → plan', () => {
  it('builds each strategy', () => {
    expect(planFromOptions({ strategy: 'single' })).toEqual({ strategy: 'single' });
    expect(planFromOptions({ strategy: 'ab', arm: ['control:production=3', 'candidate=1'] })).toEqual({
      strategy: 'ab',
      arms: [{ name: 'control', ref: 'production', weight: 3 }, { ref: 'candidate', weight: 1 }],
    });
    expect(planFromOptions({ strategy: 'shadow', primary: 'production', shadow: 'v0.2.0', percent: '10' })).toEqual({ strategy: 'shadow', primary: 'production', shadow: 'v0.2.0', percent: 10 });
    expect(planFromOptions({ strategy: 'canary', stable: 'production', canary: 'candidate', weight: '5' })).toMatchObject({ weight: 5 });
    expect(planFromOptions({ strategy: 'bluegreen', active: 'production', preview: 'candidate' })).toEqual({ strategy: 'bluegreen', active: 'production', preview: 'candidate' });
  });

  it('names what is wrong', () => {
    expect(() => planFromOptions({ strategy: 'ab', arm: ['a=0', 'b=0'] })).toThrow(/sum to a positive number/);
    expect(() => planFromOptions({ strategy: 'shadow', primary: 'production', shadow: 'candidate', percent: '140' })).toThrow(/percent/);
    expect(() => planFromOptions({ strategy: 'canary', stable: 'production', weight: '5' })).toThrow(/--canary is required/);
    expect(() => planFromOptions({ strategy: 'ab', arm: ['nope'] })).toThrow(/ref=weight/);
    expect(() => planFromOptions({ strategy: 'weird' })).toThrow(/--strategy must be one of/);
  });
});
