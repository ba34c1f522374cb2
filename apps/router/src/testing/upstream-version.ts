// Test fixture: registers a version of its own digest whose tags say which upstream serves it
// (upstream.* tags are an operator's to set).
import { pushRandomVersion } from '@lynx/bundle/testing';
import type { RegistryChild } from '@lynx/platform/testing';

export function registerUpstreamVersion(registry: RegistryChild, model: string, tags: Record<string, string>): Promise<string> {
  return pushRandomVersion({ url: registry.url, token: registry.tokens.operator ?? registry.tokens.trainer }, model, { tags });
}
