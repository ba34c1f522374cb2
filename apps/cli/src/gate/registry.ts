import { GateRegistryClient } from '@lynx/gate';

/** The registry the gate talks to: LYNX_REGISTRY_URL and LYNX_TOKEN, as every lynx command. */
export function gateRegistry(): GateRegistryClient {
  return new GateRegistryClient(process.env.LYNX_REGISTRY_URL || 'http://127.0.0.1:7101', process.env.LYNX_TOKEN || undefined);
}
