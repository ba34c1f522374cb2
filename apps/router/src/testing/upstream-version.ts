// Test fixture: registers a one-file version whose tags say which upstream serves it. The file is
// random, so every call yields a version of its own digest.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { pushBundle } from '@lynx/bundle';
import { makeBundleDir } from '@lynx/bundle/testing';
import type { RegistryChild } from '@lynx/platform/testing';

export async function registerUpstreamVersion(registry: RegistryChild, model: string, tags: Record<string, string>): Promise<string> {
  const dir = await makeBundleDir({ 'weights.bin': randomBytes(32) }, 'lynx-router-version-');
  try {
    return (await pushBundle({ url: registry.url, token: registry.tokens.trainer }, model, dir, { tags })).digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
