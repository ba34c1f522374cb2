import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { pullBundle as pull, pushBundle as push } from '@lynx/bundle';
import { CliError, EXIT } from '../exit';
import { forUser, type RegistryClient } from '../registry-client';

export interface PushOptions {
  model: string;
  runId?: string;
  commit?: string;
  data?: string[];
  param?: string[];
  parent?: string;
  description?: string;
  tag?: string[];
  /** Lineage and metrics from elsewhere than run.json (an MLflow run), merged in. */
  extra?: { data?: Array<{ name: string; digest: string; uri?: string; dvc?: { md5: string; size: number; nfiles?: number } }>; metrics?: Record<string, number>; mlflow?: { run_id: string; experiment_id: string; artifact_uri: string } };
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

/** A progress bar on stderr once the byte count is known (nothing when stderr is not a terminal). */
function progress(label: string) {
  let bar: ReturnType<typeof progressBar> | undefined;
  return { onStart: (total: number) => (bar = progressBar(label, total)), onBytes: (n: number) => bar?.tick(n), stop: () => bar?.stop() };
}

/** Hashes the bundle, uploads the blobs the registry lacks, registers the version with its lineage. */
export async function pushBundle(client: RegistryClient, dir: string, opts: PushOptions): Promise<PushResult> {
  const run = await readRunRecord(dir);
  const data: NonNullable<NonNullable<PushOptions['extra']>['data']> = pairs(opts.data, 'data').map(([name, digest]) => ({ name, digest }));
  data.push(...(opts.extra?.data ?? []));
  if (run?.data?.digest) {
    data.push({
      name: basename(String(run.data.path ?? 'data')),
      digest: run.data.digest,
      ...(run.data.path ? { uri: String(run.data.path) } : {}),
      // DVC's hash beside Lynx's digest, so lineage walks back to dvc.lock's entries too.
      ...(run.data.dvc?.md5 ? { dvc: { md5: String(run.data.dvc.md5), size: Number(run.data.dvc.size), ...(run.data.dvc.nfiles !== undefined ? { nfiles: Number(run.data.dvc.nfiles) } : {}) } } : {}),
    });
  }
  const params = { ...primitiveParams(run?.params), ...Object.fromEntries(pairs(opts.param, 'param')) };
  const metrics: Record<string, number> = { ...opts.extra?.metrics };
  for (const [k, v] of Object.entries(run?.metrics ?? {})) if (typeof v === 'number') metrics[k] = v;
  // run.json keeps the dev split's overall result as metrics.dev ({n, passed, accuracy}).
  const devAccuracy = run?.metrics?.dev?.accuracy ?? run?.metrics?.dev?.overall?.accuracy;
  if (typeof devAccuracy === 'number') metrics.dev_accuracy = devAccuracy;
  const parent = opts.parent ?? run?.parent_digest ?? undefined;
  const lineage = {
    ...((opts.runId ?? run?.run_id) ? { run_id: opts.runId ?? run?.run_id } : {}),
    ...((opts.commit ?? run?.code_commit) ? { code_commit: opts.commit ?? run?.code_commit } : {}),
    data,
    ...(Object.keys(params).length ? { params } : {}),
    ...(parent ? { parent_digest: parent } : {}),
    ...(opts.extra?.mlflow ? { mlflow: opts.extra.mlflow } : {}),
  };
  // The variant the run trained is a tag (prices and upstream rules match on it); --tag wins.
  const tags: Record<string, string> = { ...(typeof run?.variant === 'string' ? { variant: run.variant } : {}), ...Object.fromEntries(pairs(opts.tag, 'tag')) };
  const fields = {
    lineage,
    ...(Object.keys(metrics).length ? { metrics } : {}),
    ...(Object.keys(tags).length ? { tags } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  };
  const bar = progress('upload');
  let pushed;
  try {
    pushed = await push(client, opts.model, dir, fields, bar).catch(forUser);
  } finally {
    bar.stop();
  }
  const stored = await client.version(opts.model, pushed.digest);
  return { ...pushed, ...keptTags(tags, stored.tags) };
}

export interface PushResult {
  digest: string;
  uploaded: number;
  /** Tags asked for that the registry does not hold: the version was registered before with others. */
  differing: Array<{ key: string; asked: string; kept: string | null }>;
}

/**
 * A version is registered once: a re-push keeps the tags it has. The keys asked for whose stored
 * value differs, so the push can say what it did and how to change them.
 */
export function keptTags(asked: Record<string, string>, stored: Record<string, string>): Pick<PushResult, 'differing'> {
  return {
    differing: Object.entries(asked)
      .filter(([k, v]) => stored[k] !== v)
      .map(([key, value]) => ({ key, asked: value, kept: stored[key] ?? null })),
  };
}

/** Downloads a version into an empty or new `dir`, verifying every blob and the bundle digest. */
export async function pullBundle(client: RegistryClient, model: string, ref: string, dir: string): Promise<{ digest: string; files: number }> {
  const bar = progress('download');
  try {
    return await pull(client, model, ref, dir, bar).catch(forUser);
  } finally {
    bar.stop();
  }
}
