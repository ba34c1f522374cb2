// Where push and pull talk to: a registry endpoint, spoken to through the one registry client.
import { RegistryClient } from '@lynx/registry-client';

export interface RegistryEndpoint {
  /** Base URL of the registry, e.g. LYNX_REGISTRY_URL. */
  url: string;
  /** Bearer token (LYNX_TOKEN); omitted when the registry runs with auth off. */
  token?: string;
}

/** An endpoint, or a client already set up (the CLI's, with its own error wording). */
export type RegistryTarget = RegistryEndpoint | RegistryClient;

export function clientOf(registry: RegistryTarget): RegistryClient {
  // Headers arrive within 30 s; a blob's body takes as long as it takes.
  return registry instanceof RegistryClient ? registry : new RegistryClient({ url: registry.url, token: registry.token ?? null, timeoutMs: 30_000 });
}
