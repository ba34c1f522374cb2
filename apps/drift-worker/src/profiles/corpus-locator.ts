import { readFile, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DATA_SNAPSHOT_SUFFIX, parseDataSnapshot } from '@lynx/bundle';
import { NotFoundError, PathOutsideRootError, type Lineage } from '@lynx/schema';
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

const SCHEME_RE = /^[a-z][a-z0-9+.-]*:/i;
const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * The file a lineage `uri` names under the data root, or undefined for another scheme (e.g. a
 * drift report's lynx-drift://). Refused with PathOutsideRootError (400) before anything is read,
 * whatever the file holds or whether it exists, so the answer tells nothing about files outside:
 * a `..` segment, an absolute path or file:// URL outside the root, and a path whose real path
 * (symlinks followed) leaves the root.
 */
export async function corpusPathOf(uri: string, dataRoot: string): Promise<string | undefined> {
  let path = uri;
  if (/^file:/i.test(uri)) {
    try {
      path = decodeURIComponent(new URL(uri).pathname);
    } catch {
      throw new PathOutsideRootError(uri, dataRoot);
    }
  } else if (SCHEME_RE.test(uri)) return undefined;
  if (path.includes('\u0000') || path.split(/[\\/]/).includes('..')) throw new PathOutsideRootError(uri, dataRoot);
  const root = await realpath(dataRoot).catch(() => resolve(dataRoot));
  const full = resolve(root, path);
  if (!inside(root, full)) throw new PathOutsideRootError(uri, dataRoot);
  const real = await realpath(full).catch(() => undefined);
  if (real !== undefined && !inside(root, real)) throw new PathOutsideRootError(uri, dataRoot);
  return full;
}

/** A snapshot's data path, only when it stays under the data root (symlinks followed). */
async function snapshotPathInside(path: string, dataRoot: string): Promise<string | undefined> {
  const root = await realpath(dataRoot).catch(() => resolve(dataRoot));
  const real = await realpath(path).catch(() => undefined);
  return real !== undefined && inside(root, real) ? path : undefined;
}

/**
 * Finds the training corpus a version's lineage names, on this worker's disk, and proves it is
 * the same data: a lineage data entry's `uri` (a path under dataRoot, or file:// under it; see
 * corpusPathOf) or a data snapshot (`*.lynxdata.json` under dataRoot or dataRoot/data) with the entry's digest; the
 * candidate's recomputed digest must equal the lineage digest.
 */
export async function locateCorpus(lineage: Lineage, dataRoot: string): Promise<LocatedCorpus> {
  const entries = [...lineage.data].sort((a, b) => rank(a.name) - rank(b.name));
  const snapshots = await Promise.all(
    (await snapshotFiles(dataRoot)).map(async (file) => {
      try {
        const s = parseDataSnapshot(await readFile(file, 'utf8'));
        const path = await snapshotPathInside(resolve(dirname(file), s.path), dataRoot);
        return path ? { digest: s.digest, path } : null;
      } catch {
        return null;
      }
    }),
  );
  // Every uri is checked before any file is read: one outside the root refuses the whole request.
  const uriPaths = await Promise.all(entries.map((e) => (e.uri ? corpusPathOf(e.uri, dataRoot) : undefined)));
  const tried: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const candidates: string[] = [];
    const uriPath = uriPaths[i];
    if (uriPath) candidates.push(uriPath);
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
