import { KeyedSerial } from './keyed-serial';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedSerial', () => {
  it('runs one task at a time per key, in order, and different keys side by side', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    const gates: Record<string, () => void> = {};
    const task = (name: string) => () => {
      log.push(`start ${name}`);
      return new Promise<string>((ok) => (gates[name] = () => (log.push(`end ${name}`), ok(name))));
    };
    const a1 = serial.run('a', task('a1'));
    const a2 = serial.run('a', task('a2'));
    const b1 = serial.run('b', task('b1'));
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    gates.a1();
    await expect(a1).resolves.toBe('a1');
    await tick();
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    gates.a2();
    gates.b1();
    await expect(Promise.all([a2, b1])).resolves.toEqual(['a2', 'b1']);
  });

  it('keeps going after a failed task, and forgets a key once its queue is empty', async () => {
    const serial = new KeyedSerial();
    const failed = serial.run('m', () => Promise.reject(new Error('registry down')));
    const after = serial.run('m', async () => 'reconciled');
    await expect(failed).rejects.toThrow('registry down');
    await expect(after).resolves.toBe('reconciled');
    await serial.idle();
    await tick();
    expect(serial.size).toBe(0);
  });

  it('idle() waits for every queued task', async () => {
    const serial = new KeyedSerial();
    let done = 0;
    for (let i = 0; i < 3; i++) void serial.run('k', async () => (await tick(), done++));
    await serial.idle();
    expect(done).toBe(3);
  });
});
