import { EventBuffer, type PublishFn } from './event-buffer';

/** A publish that records when each batch started and acks at once. */
function recorder() {
  const calls: Array<{ id: string; at: number }> = [];
  const publish: PublishFn = async (_subject, _payload, id) => {
    calls.push({ id, at: performance.now() });
  };
  return { calls, publish };
}

describe('EventBuffer', () => {
  it('holds events for lingerMs and sends what arrived meanwhile together', async () => {
    const { calls, publish } = recorder();
    const buffer = new EventBuffer(publish, { capacity: 100, concurrency: 100, lingerMs: 30, onDrop: () => undefined });
    const start = performance.now();
    buffer.push('s', {}, 'a');
    await new Promise((r) => setTimeout(r, 5));
    buffer.push('s', {}, 'b');
    expect(calls).toEqual([]);

    expect(await buffer.flush(1000)).toBe(true);
    expect(calls.map((c) => c.id)).toEqual(['a', 'b']);
    expect(calls[0].at - start).toBeGreaterThanOrEqual(25);
    expect(calls[1].at - calls[0].at).toBeLessThan(5); // one batch, not a second linger
  });

  it('sends at the end of the turn without a linger', async () => {
    const { calls, publish } = recorder();
    const buffer = new EventBuffer(publish, { capacity: 100, concurrency: 100, onDrop: () => undefined });
    buffer.push('s', {}, 'a');
    buffer.push('s', {}, 'b');
    expect(calls).toEqual([]); // not inside push: the request that pushed is never held up
    await new Promise((r) => setImmediate(r));
    expect(calls.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('drops and counts what does not fit, and retries a failed publish before dropping it', async () => {
    const drops: string[] = [];
    let fail = 2;
    const sent: string[] = [];
    const publish: PublishFn = async (_s, _p, id) => {
      if (id === 'flaky' && fail-- > 0) throw new Error('no ack');
      if (id === 'dead') throw new Error('no ack');
      sent.push(id);
    };
    const buffer = new EventBuffer(publish, { capacity: 2, concurrency: 1, attempts: 3, lingerMs: 1, onDrop: (r) => drops.push(r) });
    expect(buffer.push('s', {}, 'flaky')).toBe(true);
    expect(buffer.push('s', {}, 'dead')).toBe(true);
    expect(buffer.push('s', {}, 'over')).toBe(false);
    expect(drops).toEqual(['overflow']);

    expect(await buffer.flush(1000)).toBe(true);
    expect(sent).toEqual(['flaky']);
    expect(drops).toEqual(['overflow', 'failed']);
  });

  it('reports its depth as it changes, not once per publish', async () => {
    const { calls, publish } = recorder();
    const depths: number[] = [];
    const buffer = new EventBuffer(publish, { capacity: 100, concurrency: 1, onDrop: () => undefined, onDepth: (d) => depths.push(d) });
    for (const id of ['a', 'b', 'c']) buffer.push('s', {}, id);
    expect(await buffer.flush(1000)).toBe(true);
    expect(calls.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(depths).toEqual([2, 1, 0]);
    buffer.push('s', {}, 'd');
    expect(await buffer.flush(1000)).toBe(true);
    expect(depths).toEqual([2, 1, 0]); // 'd' went out in the turn it came: the depth never left 0
  });

  it('retries a failed publish until it is stored, and drops only on overflow (no attempt limit by default)', async () => {
    const drops: string[] = [];
    let down = true;
    const tries = new Map<string, number>();
    const sent: string[] = [];
    const publish: PublishFn = async (_s, _p, id) => {
      tries.set(id, (tries.get(id) ?? 0) + 1);
      if (down) throw new Error('NATS is not connected yet');
      sent.push(id);
    };
    const buffer = new EventBuffer(publish, { capacity: 3, concurrency: 1, retryBackoffMs: 5, onDrop: (r) => drops.push(r) });
    for (const id of ['a', 'b', 'c']) expect(buffer.push('s', {}, id)).toBe(true);
    // More than the old limit of 3 attempts per event, with the backoff between them.
    for (let i = 0; i < 100 && Math.max(0, ...tries.values()) <= 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(Math.max(...tries.values())).toBeGreaterThan(3);
    expect(drops).toEqual([]); // an event in flight came back to a buffer with room
    down = false;
    expect(await buffer.flush(5000)).toBe(true);
    expect(sent.sort()).toEqual(['a', 'b', 'c']);
    expect(drops).toEqual([]);
  });
});
