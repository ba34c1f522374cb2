import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type DataSnapshot,
  type ManifestDiff,
  diffManifests,
  parseDataSnapshot,
  serializeDataSnapshot,
  snapshotPathFor,
  takeDataSnapshot,
} from '@lynx/bundle';
import { CliError, EXIT } from '../exit';
import { withHashProgress } from '../hash-progress';

/**
 * Data versioning, as DVC's `.dvc` files: `lynx data snapshot <path>` writes `<path>.lynxdata.json`
 * beside a folder or a single file (files, sizes, digests, bundle digest; no timestamps, so an
 * unchanged snapshot is byte-identical); `lynx data verify <path>` recomputes and compares.
 * verify exits 0 when equal, 1 on a mismatch (listing added/removed/changed files), 2 when the
 * snapshot is missing or malformed or the data cannot be read.
 */
export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('snapshot and verify data folders and files');

  data
    .command('snapshot <path>')
    .description('write <path>.lynxdata.json: the files, sizes and digests of a data folder or file')
    .action(async (target: string) => {
      const snapshot = await withHashProgress('snapshot', (options) => takeDataSnapshot(target, options));
      const file = snapshotPathFor(target);
      const text = serializeDataSnapshot(snapshot);
      const previous = await readFile(file, 'utf8').catch(() => undefined);
      if (previous !== text) await writeAtomically(file, text);
      process.stdout.write(`${previous === text ? 'unchanged' : 'wrote'} ${file} ${snapshot.digest}\n`);
    });

  data
    .command('verify <path>')
    .description('check a data folder or file against its <path>.lynxdata.json (exit 1 on mismatch)')
    .option('--json', 'print {ok, digest, expected, added, removed, changed} as JSON')
    .action(async (target: string, opts: { json?: boolean }) => {
      const expected = await readSnapshot(snapshotPathFor(target));
      const actual = await withHashProgress('verify', (options) => takeDataSnapshot(target, options));
      const diff = diffManifests(expected.files, actual.files);
      const ok = actual.digest === expected.digest && actual.kind === expected.kind;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ok, digest: actual.digest, expected: expected.digest, ...diff }, null, 2)}\n`);
      } else {
        process.stdout.write(ok ? `ok ${target} ${actual.digest}\n` : describeMismatch(expected, actual, diff));
      }
      if (!ok) {
        const counts = `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`;
        throw new CliError(`${target} does not match its snapshot (${counts})`, EXIT.failed);
      }
    });
}

async function readSnapshot(file: string): Promise<DataSnapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`no snapshot at ${file}; run \`lynx data snapshot\` first`, EXIT.error);
  }
  try {
    return parseDataSnapshot(text);
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`, EXIT.error);
  }
}

function describeMismatch(expected: DataSnapshot, actual: DataSnapshot, diff: ManifestDiff): string {
  const lines = [`mismatch ${expected.path}: expected ${expected.digest}, found ${actual.digest}`];
  if (expected.kind !== actual.kind) lines.push(`  kind: expected ${expected.kind}, found ${actual.kind}`);
  for (const file of diff.added) lines.push(`  added    ${file.path} (${file.size} bytes)`);
  for (const file of diff.removed) lines.push(`  removed  ${file.path}`);
  for (const file of diff.changed) {
    lines.push(`  changed  ${file.path} (${file.expected.size} -> ${file.actual.size} bytes)`);
  }
  return `${lines.join('\n')}\n`;
}

/** Write beside the target then rename, so a crash never leaves a half-written snapshot. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
