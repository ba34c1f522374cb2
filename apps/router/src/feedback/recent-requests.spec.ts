import { RecentRequests, hash53, type ServedBy } from './recent-requests';

const served = (arm: string): ServedBy => ({ model: 'grammar-tutor', digest: `sha256:${arm.padEnd(64, '0')}`, arm, role: 'primary' });
const value = (s: string) => {
  const [hi, lo] = hash53(s);
  return hi * 2 ** 32 + lo;
};

describe('hash53', () => {
  it('matches the published cyrb53 values', () => {
    // From cyrb53's author (bryc, "code/jshash/experimental/cyrb53.js"): seed 0.
    expect(value('a')).toBe(7929297801672961);
    expect(value('b')).toBe(8684336938537663);
    expect(value('revenge')).toBe(4051478007546757);
    expect(value('revenue')).toBe(8309097637345594);
  });
});

describe('RecentRequests', () => {
  it('finds who served a request, and nothing for an unknown id', () => {
    const recent = new RecentRequests();
    recent.remember('req-1', served('lora'));
    recent.remember('req-2', served('base'));
    expect(recent.get('req-1')).toEqual(served('lora'));
    expect(recent.get('req-2')).toEqual(served('base'));
    expect(recent.get('req-3')).toBeUndefined();
  });

  it('keeps the latest answer for an id remembered twice', () => {
    const recent = new RecentRequests();
    recent.remember('req-1', served('lora'));
    recent.remember('req-1', served('base'));
    expect(recent.get('req-1')).toEqual(served('base'));
  });

  it('forgets the oldest requests first and keeps the recent ones', () => {
    const recent = new RecentRequests();
    const n = RecentRequests.CAPACITY * 3;
    for (let i = 0; i < n; i++) recent.remember(`r-${i}`, served(i % 2 ? 'lora' : 'base'));
    const found = (from: number, to: number) => {
      let k = 0;
      for (let i = from; i < to; i++) if (recent.get(`r-${i}`)) k++;
      return k / (to - from);
    };
    // As the doc comment says: the newest all there, few of the last 30 000 and 60 000 forgotten,
    // and next to nothing of what is two to three capacities old.
    expect(found(n - 1000, n)).toBe(1);
    expect(found(n - 30_000, n)).toBeGreaterThan(0.9995);
    expect(found(n - 60_000, n)).toBeGreaterThan(0.99);
    expect(found(0, RecentRequests.CAPACITY)).toBeLessThan(0.005);
    expect(recent.get(`r-${n - 1}`)).toEqual(served('lora'));
  });

  it('starts over rather than grow when thousands of servers are named', () => {
    const recent = new RecentRequests();
    for (let i = 0; i < 5000; i++) recent.remember(`r-${i}`, served(`arm-${i}`));
    expect(recent.get('r-4999')).toEqual(served('arm-4999'));
    expect(recent.get('r-0')).toBeUndefined();
  });
});
