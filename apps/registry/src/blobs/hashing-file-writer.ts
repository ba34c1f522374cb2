import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { PayloadTooLargeError } from '@lynx/schema';

/** Start writeback of what is written so far every this many bytes, so the closing fsync is short. */
const SYNC_EVERY = 64 * 1024 * 1024;

/**
 * Hashes and writes an upload in one pass: each batch of chunks the stream has buffered is hashed
 * and written with one writev (no per-chunk Transform, no copy), and every SYNC_EVERY bytes a
 * datasync runs in the background while later chunks keep coming. Fails with PayloadTooLargeError
 * past `maxBytes`, before writing the chunk that crosses it.
 */
export class HashingFileWriter extends Writable {
  size = 0;
  private unsynced = 0;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    private readonly hash: Hash,
    private readonly maxBytes: number,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (err?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    for (const b of buffers) {
      this.size += b.length;
      if (this.size > this.maxBytes) {
        done(new PayloadTooLargeError(`blob is larger than the limit of ${this.maxBytes} bytes`, { max_bytes: this.maxBytes }));
        return;
      }
      this.hash.update(b);
    }
    this.writeAll(buffers).then(() => done(), done);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this._writev([{ chunk }], done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.syncing.then(() => done(), done);
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    let bytes = buffers.reduce((n, b) => n + b.length, 0);
    let pending = buffers;
    while (bytes > 0) {
      const { bytesWritten } = await this.file.writev(pending);
      bytes -= bytesWritten;
      this.unsynced += bytesWritten;
      if (bytes > 0) pending = remaining(pending, bytesWritten);
    }
    if (this.unsynced >= SYNC_EVERY) {
      this.unsynced = 0;
      // One background datasync at a time; an error surfaces at the final fsync.
      this.syncing = this.syncing.then(() => this.file.datasync()).catch(() => undefined);
    }
  }
}

/** What is left of `buffers` after a short write of `written` bytes. */
function remaining(buffers: Buffer[], written: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (written >= b.length) {
      written -= b.length;
      continue;
    }
    out.push(written > 0 ? b.subarray(written) : b);
    written = 0;
  }
  return out;
}
