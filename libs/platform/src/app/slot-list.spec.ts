import { SlotList } from './slot-list';

describe('SlotList', () => {
  it('stores, finds and removes values by slot, and reuses emptied slots', () => {
    const list = new SlotList<string>(2);
    const a = list.add('a');
    const b = list.add('b');
    expect(a).not.toBe(b);
    expect([list.get(a), list.get(b), list.size]).toEqual(['a', 'b', 2]);
    expect(list.remove(a)).toBe('a');
    expect(list.get(a)).toBeUndefined();
    expect(list.size).toBe(1);
    expect(list.add('c')).toBe(a);
    expect([...list.values()].sort()).toEqual(['b', 'c']);
  });

  it('grows past its initial capacity without losing or moving a value', () => {
    const list = new SlotList<number>(1);
    const slots = Array.from({ length: 100 }, (_, i) => list.add(i));
    expect(new Set(slots).size).toBe(100);
    expect(slots.map((s) => list.get(s))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(list.size).toBe(100);
  });

  it('leaves an empty or unknown slot as it is, so a second remove cannot free a reused slot', () => {
    const list = new SlotList<string>(4);
    const a = list.add('a');
    list.remove(a);
    expect(list.remove(a)).toBeUndefined();
    expect(list.remove(99)).toBeUndefined();
    expect(list.remove(-1)).toBeUndefined();
    expect(list.size).toBe(0);
    // Freed once, so handed out once: two adds get two different slots.
    expect(list.add('x')).not.toBe(list.add('y'));
  });
});
