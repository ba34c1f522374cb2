import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import { bundleManifest, digestFromFiles, validateBundlePath, type ManifestFile } from '@lynx/bundle';
import { CliError, EXIT } from '../exit';
import type { RegistryClient } from '../registry-client';

export interface PushOptions {
  model: string;
  runId?: string;
  commit?: string;
  data?: string[];
  param?: string[];
  parent?: string;
  description?: string;
  tag?: string[];
}

function progressBar(label: string, total: number): { tick(n: number): void; stop(): void } {
  if (!process.stderr.isTTY || total === 0) return { tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} bytes | eta {eta_formatted}`, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  return { tick: (n) => bar.update((done += n)), stop: () => bar.stop() };
}

const pairs = (items: string[] | undefined, what: string): Array<[string, string]> =>
  (items ?? []).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`--${what} expects key=value, got ${JSON.stringify(item)}`, EXIT.error);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });

/** `<dir>.run.json` written by `lynx train` beside the bundle: the run's lineage, when present. */
async function readRunRecord(dir: string): Promise<Record<string, any> | undefined> {
  const path = join(dirname(resolve(dir)), `${basename(resolve(dir))}.run.json`);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`, EXIT.error);
  }
}

function primitiveParams(params: Record<string, unknown> | undefined): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    out[k] = v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as string) : JSON.stringify(v);
  }
  return out;
}

/** Hashes the bundle, uploads the blobs the registry lacks, registers the version; returns it. */
export async function pushBundle(client: RegistryClient, dir: string, opts: PushOptions): Promise<{ digest: string; uploaded: number }> {
  const manifest = await bundleManifest(dir);
  const run = await readRunRecord(dir);
  const present = await Promise.all(manifest.files.map((f) => client.hasBlob(f.digest)));
  const missing = manifest.files.filter((_, i) => !present[i]);
  const unique = [...new Map(missing.map((f) => [f.digest, f])).values()];
  const bar = progressBar('upload', unique.reduce((s, f) => s + f.size, 0));
  try {
    for (const f of unique) await client.putBlob(f.digest, join(dir, ...f.path.split('/')), f.size, bar.tick);
  } finally {
    bar.stop();
  }
  const data = pairs(opts.data, 'data').map(([name, digest]) => ({ name, digest }));
  if (run?.data?.digest) data.push({ name: basename(String(run.data.path ?? 'data')), digest: run.data.digest, ...(run.data.path ? { uri: String(run.data.path) } : {}) });
  const params = { ...primitiveParams(run?.params), ...Object.fromEntries(pairs(opts.param, 'param')) };
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(run?.metrics ?? {})) if (typeof v === 'number') metrics[k] = v;
  const devAccuracy = run?.metrics?.dev?.overall?.accuracy;
  if (typeof devAccuracy === 'number') metrics.dev_accuracy = devAccuracy;
  const parent = opts.parent ?? run?.parent_digest ?? undefined;
  const lineage = {
    ...((opts.runId ?? run?.run_id) ? { run_id: opts.runId ?? run?.run_id } : {}),
    ...((opts.commit ?? run?.code_commit) ? { code_commit: opts.commit ?? run?.code_commit } : {}),
    data,
    ...(Object.keys(params).length ? { params } : {}),
    ...(parent ? { parent_digest: parent } : {}),
  };
  const body = {
    manifest: { files: manifest.files },
    lineage,
    ...(Object.keys(metrics).length ? { metrics } : {}),
    ...(opts.tag?.length ? { tags: Object.fromEntries(pairs(opts.tag, 'tag')) } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  };
  const version = await client.json<{ digest: string; created_at: string }>('POST', `/v1/models/${opts.model}/versions`, body);
  if (version.digest !== manifest.digest) {
    throw new CliError(`the registry computed ${version.digest}, this folder hashes to ${manifest.digest}`, EXIT.error);
  }
  return { digest: version.digest, uploaded: unique.length };
}

/** Resolves the path of a manifest entry under `root`, refusing anything that would land outside it. */
export function safeTarget(root: string, path: string): string {
  validateBundlePath(path);
  const base = resolve(root);
  const target = resolve(base, ...path.split('/'));
  if (!target.startsWith(base + sep)) throw new CliError(`refusing to write outside ${root}: ${JSON.stringify(path)}`, EXIT.error);
  return target;
}

/** Downloads a version into an empty or new `dir`, verifying every blob and the bundle digest. */
export async function pullBundle(client: RegistryClient, model: string, ref: string, dir: string): Promise<{ digest: string; files: number }> {
  const { digest, files } = await client.json<{ digest: string; files: ManifestFile[] }>('GET', `/v1/models/${model}/versions/${encodeURIComponent(ref)}/manifest`);
  const targets = files.map((f) => safeTarget(dir, f.path));
  if (digestFromFiles(files) !== digest) throw new CliError(`the manifest of ${digest} does not hash to it; refusing`, EXIT.error);
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length) throw new CliError(`${dir} is not empty; pull into a new or empty folder`, EXIT.error);
  const bar = progressBar('download', files.reduce((s, f) => s + f.size, 0));
  try {
    for (const [i, f] of files.entries()) {
      await mkdir(dirname(targets[i]), { recursive: true });
      const temp = `${targets[i]}.lynx-partial`;
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          size += chunk.length;
          bar.tick(chunk.length);
          done(null, chunk);
        },
      });
      await pipeline(await client.getBlob(f.digest), meter, createWriteStream(temp, { flags: 'wx' }));
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== f.digest || size !== f.size) {
        await rm(dir, { recursive: true, force: true });
        throw new CliError(`${f.path}: received ${actual} (${size} bytes), expected ${f.digest} (${f.size} bytes); nothing kept`, EXIT.error);
      }
      await rename(temp, targets[i]);
    }
  } finally {
    bar.stop();
  }
  const local = await bundleManifest(dir);
  if (local.digest !== digest) {
    throw new CliError(`the pulled folder hashes to ${local.digest}, not ${digest}`, EXIT.error);
  }
  return { digest, files: files.length };
}
