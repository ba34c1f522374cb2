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

  it('an A/B with --mde carries the horizon design; a bandit its arms, floor and interval', () => {
    expect(planFromOptions({ strategy: 'ab', arm: ['base:production=1', 'lora:candidate=1'], mde: '0.05', baselineRate: '0.8', looks: '10' })).toEqual({
      strategy: 'ab',
      arms: [{ name: 'base', ref: 'production', weight: 1 }, { name: 'lora', ref: 'candidate', weight: 1 }],
      horizon: { mde: 0.05, baseline_rate: 0.8, looks: 10 },
    });
    expect(() => planFromOptions({ strategy: 'ab', arm: ['a=1', 'b=1'], power: '0.9' })).toThrow(/--power only sizes an A\/B's horizon: give --mde too/);
    expect(() => planFromOptions({ strategy: 'ab', arm: ['a=1', 'b=1', 'c=1'], mde: '0.05' })).toThrow(/a horizon tests two arms/);
    expect(planFromOptions({ strategy: 'bandit', arm: ['base:production=1', 'lora:candidate=1'], floor: '0.1', interval: '10' })).toEqual({
      strategy: 'bandit',
      arms: [{ name: 'base', ref: 'production', weight: 1 }, { name: 'lora', ref: 'candidate', weight: 1 }],
      floor: 0.1,
      interval_s: 10,
    });
    expect(() => planFromOptions({ strategy: 'bandit', arm: ['a=1'] })).toThrow(/arms/);
    expect(() => planFromOptions({ strategy: 'bandit', arm: ['a=1', 'b=1', 'c=1'], floor: '0.4' })).toThrow(/floor × live arms/);
  });

  it('names what is wrong', () => {
    expect(() => planFromOptions({ strategy: 'ab', arm: ['a=0', 'b=0'] })).toThrow(/sum to a positive number/);
    expect(() => planFromOptions({ strategy: 'shadow', primary: 'production', shadow: 'candidate', percent: '140' })).toThrow(/percent/);
    expect(() => planFromOptions({ strategy: 'canary', stable: 'production', weight: '5' })).toThrow(/--canary is required/);
    expect(() => planFromOptions({ strategy: 'ab', arm: ['nope'] })).toThrow(/ref=weight/);
    expect(() => planFromOptions({ strategy: 'weird' })).toThrow(/--strategy must be one of/);
  });
});
