export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * Consecutive-failure circuit breaker for one upstream. `failures` failures in a row open it;
 * while open every call is refused without touching the upstream; after `cooldownMs` one probe
 * is let through (half-open): success closes it, failure opens it for another cool-down.
 * Hand-written because the semantics are a dozen lines and a library's rolling-window
 * percentages would be harder to reason about at low traffic.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt = 0;
  private probing = false;
  state: BreakerState = 'closed';

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  /** True when a call may go out now; in half-open only the first caller gets the probe. */
  allow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.cooldownMs) return false;
      this.set('half_open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.probing = false;
    if (this.state !== 'closed') this.set('closed');
  }

  failure(): void {
    this.consecutive++;
    this.probing = false;
    if (this.state === 'half_open' || (this.state === 'closed' && this.consecutive >= this.failures)) {
      this.openedAt = this.now();
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    this.state = state;
    this.onChange(state);
  }
}
