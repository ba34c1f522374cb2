import type { Command } from 'commander';
import { bundleManifest, manifestText } from '@lynx/bundle';
import { withHashProgress } from '../hash-progress';

/**
 * `lynx bundle digest <dir> [--json]` prints the canonical bundle digest (DESIGN.md); with --json,
 * `{digest, files}`. `lynx bundle manifest <dir>` prints the manifest text the digest is taken of,
 * so anyone can check a digest with `lynx bundle manifest d | sha256sum`.
 */
export function registerBundleCommands(program: Command): void {
  const bundle = program.command('bundle').description('content digests of model and data bundles');

  bundle
    .command('digest <dir>')
    .description('print the bundle digest of a folder (sha256 of its canonical manifest)')
    .option('--json', 'print {digest, files} as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const manifest = await withHashProgress('digest', (options) => bundleManifest(dir, options));
      if (opts.json) process.stdout.write(`${JSON.stringify({ digest: manifest.digest, files: manifest.files }, null, 2)}\n`);
      else process.stdout.write(`${manifest.digest}\n`);
    });

  bundle
    .command('manifest <dir>')
    .description('print the canonical manifest text: "<sha256 hex> <size> <path>" per file, sorted by path bytes')
    .action(async (dir: string) => {
      const manifest = await withHashProgress('manifest', (options) => bundleManifest(dir, options));
      process.stdout.write(manifestText(manifest.files));
    });
}
