import { GateRegistryClient } from '@lynx/gate';
import { serviceUrl } from '@lynx/schema';

/** The registry the gate talks to: LYNX_REGISTRY_URL and LYNX_TOKEN, as every lynx command. */
export function gateRegistry(): GateRegistryClient {
  return new GateRegistryClient(serviceUrl('registry'));
}
