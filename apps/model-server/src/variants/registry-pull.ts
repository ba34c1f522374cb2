import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { z } from 'zod';
import { bundleDigest, isDigest, validateBundlePath } from '@lynx/bundle';
import { DigestMismatchError, ModelNotFoundError, UpstreamUnavailableError, ValidationError, digestSchema } from '@lynx/schema';

export interface RegistryPullOptions {
  registryUrl: string;
  token?: string;
  /** Pulled bundles live in `<cacheDir>/<hex>`, so a digest is fetched once. */
  cacheDir: string;
}

const fileSchema = z.object({ path: z.string(), size: z.number().int().nonnegative(), digest: digestSchema });
// GET …/manifest answers the manifest, bare or wrapped, with the version's digest beside it.
const manifestResponseSchema = z.union([
  z.object({ digest: digestSchema.optional(), files: z.array(fileSchema) }),
  z.object({ digest: digestSchema.optional(), manifest: z.object({ files: z.array(fileSchema) }) }),
]);

/**
 * Pulls `<model>@<ref>` from the registry into the cache and returns the bundle directory with
 * its digest. Every blob is checked against its own digest and size while it streams to disk,
 * and the assembled folder against the bundle digest, before it is moved into place.
 */
export async function pullFromRegistry(model: string, ref: string, options: RegistryPullOptions): Promise<{ dir: string; digest: string }> {
  const base = options.registryUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const manifestUrl = `${base}/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(ref)}/manifest`;
  const raw = await getJson(manifestUrl, headers, `${model}@${ref}`);
  const parsed = manifestResponseSchema.safeParse(raw);
  if (!parsed.success) throw new UpstreamUnavailableError(`the registry answered an unreadable manifest for ${model}@${ref}`);
  const files = 'files' in parsed.data ? parsed.data.files : parsed.data.manifest.files;
  const expected = isDigest(ref) ? ref : parsed.data.digest;
  if (!expected) throw new UpstreamUnavailableError(`the registry did not say which digest ${model}@${ref} is`);
  for (const f of files) validateBundlePath(f.path);

  const dir = join(options.cacheDir, expected.slice('sha256:'.length));
  if (await exists(dir)) {
    if ((await bundleDigest(dir)) === expected) return { dir, digest: expected };
    await rm(dir, { recursive: true, force: true });
  }
  const tmp = join(options.cacheDir, `.pull-${randomUUID()}`);
  try {
    for (const f of files) {
      const target = join(tmp, f.path);
      await mkdir(dirname(target), { recursive: true });
      await downloadBlob(`${base}/v1/blobs/${f.digest}`, headers, f, target);
    }
    await mkdir(tmp, { recursive: true });
    const actual = await bundleDigest(tmp);
    if (actual !== expected) throw new DigestMismatchError(`${model}@${ref}: pulled files have digest ${actual}, expected ${expected}`, { expected, actual });
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another pull of the same digest finished first: theirs is as good as ours.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
    return { dir, digest: expected };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function getJson(url: string, headers: Record<string, string>, what: string): Promise<unknown> {
  const res = await send(url, headers);
  if (res.statusCode === 404) {
    await res.body.dump();
    throw new ModelNotFoundError(`the registry has no ${what}`, { ref: what });
  }
  if (res.statusCode >= 400) {
    const text = await res.body.text();
    if (res.statusCode < 500) throw new ValidationError(`the registry refused ${what} (${res.statusCode}): ${text.slice(0, 300)}`);
    throw new UpstreamUnavailableError(`the registry failed on ${what} (${res.statusCode})`);
  }
  return res.body.json();
}

async function downloadBlob(url: string, headers: Record<string, string>, file: z.infer<typeof fileSchema>, target: string): Promise<void> {
  const res = await send(url, headers);
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new UpstreamUnavailableError(`the registry answered ${res.statusCode} for blob ${file.digest} (${file.path})`);
  }
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      // Stop early rather than write more than the manifest promised.
      done(size > file.size ? new DigestMismatchError(`blob ${file.digest} is larger than ${file.size} bytes`) : null, chunk);
    },
  });
  await pipeline(res.body, count, createWriteStream(target));
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== file.digest || size !== file.size) {
    throw new DigestMismatchError(`blob for ${file.path} has digest ${actual} (${size} bytes), expected ${file.digest} (${file.size} bytes)`, {
      path: file.path,
      expected: file.digest,
      actual,
    });
  }
}

async function send(url: string, headers: Record<string, string>) {
  try {
    return await request(url, { method: 'GET', headers, headersTimeout: 10_000, bodyTimeout: 60_000 });
  } catch (err) {
    throw new UpstreamUnavailableError(`cannot reach the registry: ${(err as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
