import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DATA_SNAPSHOT_SUFFIX, parseDataSnapshot } from '@lynx/bundle';
import { NotFoundError, type Lineage } from '@lynx/schema';
import { dataDigest } from '@lynx/tutor';

export interface LocatedCorpus {
  entry: Lineage['data'][number];
  path: string;
}

/** Entries named like a training corpus are tried first. */
const rank = (name: string) => (/corpus|train/i.test(name) ? 0 : 1);

async function snapshotFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of [root, join(root, 'data')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    out.push(...names.filter((n) => n.endsWith(DATA_SNAPSHOT_SUFFIX)).map((n) => join(dir, n)));
  }
  return out;
}

/**
 * Finds the training corpus a version's lineage names, on this worker's disk, and proves it is
 * the same data: a lineage data entry's `uri` (a path relative to dataRoot, or file://) or a data
 * snapshot (`*.lynxdata.json` under dataRoot or dataRoot/data) with the entry's digest; the
 * candidate's recomputed digest must equal the lineage digest.
 */
export async function locateCorpus(lineage: Lineage, dataRoot: string): Promise<LocatedCorpus> {
  const entries = [...lineage.data].sort((a, b) => rank(a.name) - rank(b.name));
  const snapshots = await Promise.all(
    (await snapshotFiles(dataRoot)).map(async (file) => {
      try {
        const s = parseDataSnapshot(await readFile(file, 'utf8'));
        return { digest: s.digest, path: resolve(dirname(file), s.path) };
      } catch {
        return null;
      }
    }),
  );
  const tried: string[] = [];
  for (const entry of entries) {
    const candidates: string[] = [];
    if (entry.uri && !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry.uri.replace(/^file:\/\//, ''))) {
      candidates.push(resolve(dataRoot, entry.uri.replace(/^file:\/\//, '')));
    }
    for (const s of snapshots) if (s && s.digest === entry.digest) candidates.push(s.path);
    for (const path of candidates) {
      tried.push(path);
      const digest = await dataDigest(path).catch(() => null);
      if (digest === entry.digest) return { entry, path };
    }
  }
  throw new NotFoundError(
    `no training corpus found for this version: its lineage names ${entries.map((e) => `${e.name}=${e.digest}`).join(', ') || 'no data'}; ` +
      `looked for a matching path or *.lynxdata.json snapshot under ${dataRoot}`,
    { tried },
  );
}
