import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleDigest, fileManifest } from '@lynx/bundle';
import type { TutorItem } from '../generator/item';

/** The canonical digest of a data set: a directory as a bundle, a single file as a bundle of one file. */
export async function dataDigest(path: string): Promise<string> {
  return (await stat(path)).isDirectory() ? bundleDigest(path) : (await fileManifest(path)).digest;
}

/** Reads items from a .jsonl file, or from every .jsonl file of a directory in name order. Lines starting with "#" are comments. */
export async function readItems(path: string): Promise<TutorItem[]> {
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new Error(`${path}: no .jsonl files`);
  const items: TutorItem[] = [];
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      try {
        items.push(JSON.parse(line) as TutorItem);
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON line`);
      }
    });
  }
  return items;
}

export function toJsonl(items: readonly TutorItem[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n') + '\n';
}
