import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleDigest, fetchManifest, isDigest, pullBundle } from '@lynx/bundle';
import { RegistryClient } from '@lynx/registry-client';
import { DigestMismatchError, LynxError, ModelNotFoundError, UpstreamUnavailableError, ValidationError } from '@lynx/schema';

export interface RegistryPullOptions {
  registryUrl: string;
  token?: string;
  /** Pulled bundles live in `<cacheDir>/<hex>`, so a digest is fetched once. */
  cacheDir: string;
}

/**
 * Pulls `<model>@<ref>` from the registry into the cache and returns the bundle directory with
 * its digest; @lynx/bundle checks every blob and the assembled folder before it lands there.
 * Registry errors become the model server's own: 404 model_not_found, 400 for other refusals,
 * 502 when the registry is down.
 */
export async function pullFromRegistry(model: string, ref: string, options: RegistryPullOptions): Promise<{ dir: string; digest: string; fresh?: boolean }> {
  const registry = new RegistryClient({ url: options.registryUrl, token: options.token ?? null });
  try {
    const expected = isDigest(ref) ? ref : (await fetchManifest(registry, model, ref)).digest;
    const dir = join(options.cacheDir, expected.slice('sha256:'.length));
    if (await exists(dir)) {
      if ((await bundleDigest(dir)) === expected) return { dir, digest: expected };
      // Changed on disk since it was pulled: pull it again.
      await rm(dir, { recursive: true, force: true });
    }
    await pullBundle(registry, model, expected, dir);
    // fresh: this call put it in the cache, so a load that then refuses it takes it out again.
    return { dir, digest: expected, fresh: true };
  } catch (err) {
    throw asServerError(err, `${model}@${ref}`);
  }
}

function asServerError(err: unknown, what: string): unknown {
  if (!(err instanceof LynxError) || err instanceof DigestMismatchError || err instanceof UpstreamUnavailableError || err.code === 'unsafe_path') return err;
  if (err.status === 404) return new ModelNotFoundError(`the registry has no ${what}`, { ref: what });
  if (err.status >= 500) return new UpstreamUnavailableError(`the registry failed on ${what}: ${err.message}`);
  return new ValidationError(`the registry refused ${what} (${err.status}): ${err.message}`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
