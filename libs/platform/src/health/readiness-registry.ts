/** A readiness probe: resolves when the dependency answers, throws (with a reason) when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

/**
 * The dependencies /readyz asks. The platform registers `nats` and `redis` when the app
 * uses them; apps add their own (the registry's database) in a constructor or onModuleInit.
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  entries(): Array<[string, ReadinessCheck]> {
    return [...this.checks.entries()];
  }
}
