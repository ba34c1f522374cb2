/**
 * Runs tasks one at a time per key, keys independent of each other: the event consumers that
 * reconcile a model as a whole (the gate's canary follower, the registry's MLflow mirror) must not
 * reconcile the same model twice at once, while different models go in parallel. A failed task
 * does not stop the ones queued behind it. A key is forgotten once its queue is empty.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(task);
    this.tails.set(key, next);
    void next
      .finally(() => {
        if (this.tails.get(key) === next) this.tails.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size;
  }

  /** Settles when every task queued so far has (shutdown waits for them). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
