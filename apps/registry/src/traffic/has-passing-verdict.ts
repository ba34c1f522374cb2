import type { RegistryStore } from '../store/registry-store';

/**
 * Whether the gate passed this digest: one function, so how verdicts are stored and trusted can
 * change in one place. Today: any recorded verdict for the digest with passed = true.
 */
export async function hasPassingVerdict(store: RegistryStore, model: string, digest: string): Promise<boolean> {
  return (await store.listVerdicts(model, digest)).some((v) => v.passed);
}
