import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RegistryTarget } from './transfer/http';
import { pushBundle, type VersionFields } from './transfer/push';

/**
 * Test fixture: writes `files` (bundle path -> content) into a fresh temp folder and returns the
 * folder. Paths use `/`; parent folders are created. The caller removes it (fs.rm recursive).
 */
export async function makeBundleDir(files: Record<string, string | Buffer>, prefix = 'lynx-bundle-'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return root;
}

/** Test fixture: pushes a one-file bundle of random bytes, so every call is a version of its own digest. */
export async function pushRandomVersion(registry: RegistryTarget, model: string, fields: VersionFields = {}): Promise<string> {
  const dir = await makeBundleDir({ 'weights.bin': randomBytes(32) }, 'lynx-random-version-');
  try {
    return (await pushBundle(registry, model, dir, fields)).digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
