/**
 * Objects in flight (requests, unacknowledged messages) in an array of slots with a free list:
 * add() returns the slot, remove(slot) empties it for reuse.
 *
 * Why not a Set or Map: with a long-lived Set (or Map) that every request passes through, V8's
 * scavenger keeps each entry and everything it reaches (the request, the response, their buffers)
 * alive after it was deleted, until the next full GC, so it is promoted. A heap snapshot shows
 * none of them retained; our reading is that the Set's replaced hash tables, left in the old
 * generation, still point at past entries and count as roots for young collections. On the
 * router, a Set of in-flight responses made 1.6–1.9 MB of every scavenge survive (5–6 ms per
 * scavenge instead of 1, a full GC every ~300 ms under load) and cost a quarter of its CPU per
 * request. Here a removed slot is overwritten, and the one array is only replaced when it grows,
 * after its old copy is cleared.
 */
export class SlotList<T> {
  private slots: Array<T | undefined>;
  private readonly free: number[] = [];

  constructor(initialCapacity = 64) {
    this.slots = new Array<T | undefined>(Math.max(1, initialCapacity)).fill(undefined);
    for (let i = this.slots.length - 1; i >= 0; i--) this.free.push(i);
  }

  get size(): number {
    return this.slots.length - this.free.length;
  }

  /** Stores `value`; the slot it returns is what remove() takes. */
  add(value: T): number {
    if (this.free.length === 0) this.grow();
    const slot = this.free.pop()!;
    this.slots[slot] = value;
    return slot;
  }

  /** Empties `slot`; an empty or unknown slot is left as it is. */
  remove(slot: number): T | undefined {
    const value = this.slots[slot];
    if (value === undefined) return undefined;
    this.slots[slot] = undefined;
    this.free.push(slot);
    return value;
  }

  get(slot: number): T | undefined {
    return this.slots[slot];
  }

  *values(): IterableIterator<T> {
    for (const v of this.slots) if (v !== undefined) yield v;
  }

  private grow(): void {
    const old = this.slots;
    const bigger = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < old.length; i++) bigger[i] = old[i];
    old.fill(undefined);
    this.slots = bigger;
    for (let i = bigger.length - 1; i >= old.length; i--) this.free.push(i);
  }
}
