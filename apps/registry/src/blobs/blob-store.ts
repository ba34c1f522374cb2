import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseDigest } from '@lynx/bundle';
import { DigestMismatchError } from '@lynx/schema';
import { HashingFileWriter } from './hashing-file-writer';

/**
 * Content-addressed blobs under `<root>/sha256/<2 hex>/<hex>`. A blob becomes visible only by
 * a hard link to a verified, fsynced temp file from `<root>/tmp` (same filesystem), so a reader sees a
 * whole blob or none, even if the process dies mid-upload.
 */
export class BlobStore {
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = join(root, 'tmp');
  }

  /** Creates the folders and removes temp files an earlier process left behind. */
  async init(): Promise<{ removedTempFiles: number }> {
    await mkdir(join(this.root, 'sha256'), { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    const stale = await readdir(this.tmpDir);
    await Promise.all(stale.map((name) => rm(join(this.tmpDir, name), { force: true })));
    return { removedTempFiles: stale.length };
  }

  pathFor(digest: string): string {
    const { hex } = parseDigest(digest);
    return join(this.root, 'sha256', hex.slice(0, 2), hex);
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    try {
      const s = await stat(this.pathFor(digest));
      return { size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  /** Which of `digests` are absent, in the order given. */
  async missing(digests: readonly string[]): Promise<string[]> {
    const present = await Promise.all(digests.map((d) => this.has(d)));
    return digests.filter((_, i) => !present[i]);
  }

  createReadStream(digest: string, options?: { start?: number; end?: number }): ReadStream {
    return createReadStream(this.pathFor(digest), options);
  }

  /**
   * Streams `body` to disk while hashing it. Throws DigestMismatchError when the bytes do not
   * hash to `digest`, PayloadTooLargeError past `maxBytes`; either way nothing is kept.
   */
  async put(digest: string, body: Readable, maxBytes: number): Promise<{ created: boolean; size: number }> {
    const target = this.pathFor(digest);
    const temp = join(this.tmpDir, `${parseDigest(digest).hex}.${randomBytes(6).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const file = await open(temp, 'wx');
      try {
        const writer = new HashingFileWriter(file, hash, maxBytes);
        await pipeline(body, writer);
        const actual = `sha256:${hash.digest('hex')}`;
        if (actual !== digest) {
          throw new DigestMismatchError(`blob bytes hash to ${actual}, not ${digest}`, { expected: digest, actual, size: writer.size });
        }
        size = writer.size;
        await file.sync();
      } finally {
        await file.close();
      }
      await mkdir(dirname(target), { recursive: true });
      // link, not check-then-rename: of two uploads of one blob racing, exactly one creates it (201)
      // and the other finds it there (EEXIST → 200); the content is the same either way.
      let created = true;
      try {
        await link(temp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        created = false;
      }
      await rm(temp, { force: true });
      if (created) await fsyncPath(dirname(target));
      return { created, size };
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
