import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { LynxError } from '@lynx/schema';
import { BlobStore } from './blob-store';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('BlobStore', () => {
  let dir: string;
  let blobs: BlobStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lynx-blobs-'));
    blobs = new BlobStore(join(dir, 'blobs'));
    await blobs.init();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tempFiles = () => readdirSync(join(dir, 'blobs', 'tmp'));

  it('stores a verified blob at sha256/<2 hex>/<hex> and reads it back', async () => {
    const body = Buffer.from('hello lynx');
    const digest = digestOf(body);
    expect(await blobs.put(digest, Readable.from([body.subarray(0, 3), body.subarray(3)]), 1024)).toEqual({ created: true, size: 10 });
    const hex = digest.slice(7);
    expect(await readFile(join(dir, 'blobs', 'sha256', hex.slice(0, 2), hex))).toEqual(body);
    expect(await blobs.stat(digest)).toEqual({ size: 10 });
    expect(await blobs.put(digest, Readable.from([body]), 1024)).toEqual({ created: false, size: 10 });
    const chunks: Buffer[] = [];
    for await (const c of blobs.createReadStream(digest)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(body);
    expect(tempFiles()).toEqual([]);
  });

  it('keeps nothing when the bytes do not match the digest', async () => {
    const digest = digestOf(Buffer.from('expected'));
    const err = await blobs.put(digest, Readable.from([Buffer.from('tampered')]), 1024).catch((e: LynxError) => e);
    expect(err).toMatchObject({ code: 'digest_mismatch', status: 400 });
    expect(await blobs.has(digest)).toBe(false);
    expect(tempFiles()).toEqual([]);
  });

  it('keeps nothing past the size cap', async () => {
    const body = Buffer.alloc(5000, 1);
    const err = await blobs.put(digestOf(body), Readable.from([body]), 4096).catch((e: LynxError) => e);
    expect(err).toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(await blobs.has(digestOf(body))).toBe(false);
    expect(tempFiles()).toEqual([]);
  });

  it('refuses malformed and uppercase digests', async () => {
    expect(() => blobs.pathFor('sha256:ABC')).toThrow(expect.objectContaining({ code: 'invalid_digest' }));
    expect(() => blobs.pathFor(`sha256:${'A'.repeat(64)}`)).toThrow(expect.objectContaining({ code: 'invalid_digest' }));
    expect(() => blobs.pathFor(`sha256:../../${'a'.repeat(58)}`)).toThrow(expect.objectContaining({ code: 'invalid_digest' }));
  });

  it('removes stale temp files at start and lists missing blobs', async () => {
    writeFileSync(join(dir, 'blobs', 'tmp', 'abc.part'), 'half');
    expect(await new BlobStore(join(dir, 'blobs')).init()).toEqual({ removedTempFiles: 1 });
    const body = Buffer.from('x');
    await blobs.put(digestOf(body), Readable.from([body]), 10);
    const other = digestOf(Buffer.from('y'));
    expect(await blobs.missing([digestOf(body), other])).toEqual([other]);
  });
});
