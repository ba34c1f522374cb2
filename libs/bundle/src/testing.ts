import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
