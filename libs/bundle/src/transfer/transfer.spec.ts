import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, getGlobalDispatcher, request, setGlobalDispatcher } from 'undici';
import { DigestMismatchError, LynxError } from '@lynx/schema';
import { bundleDigest } from '../bundle';
import { digestFromFiles, type ManifestFile } from '../manifest';
import { bundleTarget, fetchManifest, pullBundle } from './pull';
import { pushBundle, putBlob } from './push';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A registry in miniature: blobs by digest, versions by model, the registry's error shape. */
function miniRegistry() {
  const blobs = new Map<string, Buffer>();
  const versions = new Map<string, { digest: string; files: ManifestFile[] }>();
  const seen: string[] = [];
  /** Answers to `GET /hold`, begun and left open until the test ends them. */
  const held: ServerResponse[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return void seen.push(`${req.method} ${req.url} aborted after ${chunks.reduce((n, c) => n + c.length, 0)} bytes`);
    }
    const body = Buffer.concat(chunks);
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url === '/hold') {
      res.writeHead(200, { 'content-type': 'text/plain' }).write('.');
      return void held.push(res);
    }
    const send = (status: number, json?: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? undefined : JSON.stringify(json));
    const blob = /^\/v1\/blobs\/(sha256:[0-9a-f]{64})$/.exec(req.url!)?.[1];
    const manifest = /^\/v1\/models\/([^/]+)\/versions\/([^/]+)\/manifest$/.exec(req.url!);
    if (blob && req.method === 'PUT') return blobs.set(blob, body), send(201, { digest: blob });
    if (blob) return blobs.has(blob) ? res.writeHead(200).end(req.method === 'HEAD' ? undefined : blobs.get(blob)) : send(404, { error: { code: 'blob_not_found', message: 'no such blob' } });
    if (req.method === 'POST' && /^\/v1\/models\/[^/]+\/versions$/.test(req.url!)) {
      const { files } = JSON.parse(body.toString()).manifest;
      const digest = digestFromFiles(files);
      versions.set(digest, { digest, files });
      return send(201, { digest });
    }
    const found = manifest && versions.get(decodeURIComponent(manifest[2]));
    if (found) return send(200, found);
    send(404, { error: { code: 'version_not_found', message: 'no such version', details: { ref: manifest?.[2] } } });
  });
  return { server, blobs, versions, seen, held };
}

describe('pushBundle / pullBundle against a registry over HTTP', () => {
  let tmp: string;
  let reg: ReturnType<typeof miniRegistry>;
  let url: string;

  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'lynx-transfer-'));
    reg = miniRegistry();
    await new Promise<void>((ok) => reg.server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(reg.server.address() as { port: number }).port}`;
    await mkdir(join(tmp, 'src', 'adapter'), { recursive: true });
    await writeFile(join(tmp, 'src', 'adapter', 'weights.bin'), Buffer.alloc(70_000, 7));
    await writeFile(join(tmp, 'src', 'config.json'), '{"variant":"lora"}');
  });
  afterEach(async () => {
    await new Promise((ok) => reg.server.close(ok));
    await rm(tmp, { recursive: true, force: true });
  });

  it('pushes only missing blobs, pulls back the same bundle with progress, and refuses a non-empty target', async () => {
    const registry = { url, token: 't0k' };
    const expected = await bundleDigest(join(tmp, 'src'));
    expect(await pushBundle(registry, 'tutor', join(tmp, 'src'))).toEqual({ digest: expected, uploaded: 2 });
    expect(await pushBundle(registry, 'tutor', join(tmp, 'src'))).toEqual({ digest: expected, uploaded: 0 });
    expect(reg.seen.every((s) => s.endsWith('Bearer t0k'))).toBe(true);

    let total = 0;
    let got = 0;
    const target = join(tmp, 'out', 'pulled');
    const pulled = await pullBundle(registry, 'tutor', expected, target, { onStart: (n) => (total = n), onBytes: (n) => (got += n) });
    expect(pulled).toEqual({ digest: expected, files: 2 });
    expect(await bundleDigest(target)).toBe(expected);
    expect([total, got]).toEqual([70_000 + 18, 70_000 + 18]);
    await expect(pullBundle(registry, 'tutor', expected, target)).rejects.toMatchObject({ code: 'conflict', status: 409 });
    expect(await readdir(join(tmp, 'out'))).toEqual(['pulled']);
  });

  it('refuses a blob whose bytes are not its digest and leaves nothing behind', async () => {
    const { digest } = await pushBundle({ url }, 'tutor', join(tmp, 'src'));
    const config = reg.versions.get(digest)!.files.find((f) => f.path === 'config.json')!;
    reg.blobs.set(config.digest, Buffer.from('{"variant":"evil"}'));
    const err = await pullBundle({ url }, 'tutor', digest, join(tmp, 'pulled')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as LynxError).details).toMatchObject({ path: 'config.json', expected: config.digest });
    expect(await readdir(tmp)).toEqual(['src']);
  });

  it('refuses a manifest that does not hash to the digest asked for', async () => {
    const { digest } = await pushBundle({ url }, 'tutor', join(tmp, 'src'));
    const files = reg.versions.get(digest)!.files;
    const other = `sha256:${'a'.repeat(64)}`;
    reg.versions.set(other, { digest: other, files });
    await expect(fetchManifest({ url }, 'tutor', other)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('refuses manifest paths that would write outside the target', async () => {
    const bytes = Buffer.from('x');
    reg.blobs.set(sha(bytes), bytes);
    reg.versions.set('evil', { digest: `sha256:${'b'.repeat(64)}`, files: [{ path: '../escape', size: 1, digest: sha(bytes) }] });
    await expect(pullBundle({ url }, 'tutor', 'evil', join(tmp, 'pulled'))).rejects.toMatchObject({ code: 'unsafe_path' });
    expect(await readdir(tmp)).toEqual(['src']);
  });

  it('sends every byte of a blob whose upload waited for a connection, counting progress as the bytes go', async () => {
    // One connection, busy with an answer still arriving: the PUT waits for it, as an upload waits
    // for a new connection after hasBlob's HEAD (which undici closes), only longer.
    const previous = getGlobalDispatcher();
    const agent = new Agent({ connections: 1 });
    setGlobalDispatcher(agent);
    try {
      const file = join(tmp, 'src', 'adapter', 'weights.bin');
      const bytes = await readFile(file);
      const hold = await request(`${url}/hold`);
      let counted = 0;
      const put = putBlob({ url }, sha(bytes), file, bytes.length, (n) => (counted += n)).then(() => 'stored', (err: Error) => err.message);
      // Time for a file stream left to itself to read the whole file (it would, were it flowing).
      for (let i = 0; i < 20 && counted < bytes.length; i++) await new Promise((r) => setTimeout(r, 10));
      const countedWhileWaiting = counted;

      reg.held[0].end();
      await hold.body.dump();
      expect(await put).toBe('stored');
      expect([countedWhileWaiting, counted]).toEqual([0, bytes.length]);
      expect(reg.blobs.get(sha(bytes))).toEqual(bytes);
      expect(reg.seen.filter((s) => s.startsWith('PUT'))).toEqual([`PUT /v1/blobs/${sha(bytes)} `]);
    } finally {
      for (const res of reg.held) res.end();
      setGlobalDispatcher(previous);
      await agent.destroy();
    }
  });

  it('refuses a file that no longer has the size it was hashed at, and the registry keeps nothing', async () => {
    const file = join(tmp, 'src', 'adapter', 'weights.bin');
    const bytes = await readFile(file);
    for (const hashedSize of [bytes.length - 1, bytes.length + 1]) {
      const err = await putBlob({ url }, sha(bytes), file, hashedSize).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DigestMismatchError);
      expect(err).toMatchObject({ message: expect.stringMatching(/changed while it was pushed/), details: { path: file, hashed_size: hashedSize } });
    }
    expect(reg.blobs.size).toBe(0);
  });

  it("passes the registry's error code, status and details through, and names an unreachable registry", async () => {
    await expect(pullBundle({ url }, 'tutor', 'production', join(tmp, 'p'))).rejects.toMatchObject({ code: 'version_not_found', status: 404, details: { ref: 'production' } });
    await expect(pushBundle({ url: 'http://127.0.0.1:1' }, 'tutor', join(tmp, 'src'))).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(await readFile(join(tmp, 'src', 'config.json'), 'utf8')).toBe('{"variant":"lora"}');
  });
});

describe('bundleTarget', () => {
  it('resolves manifest paths under the root and refuses any that would write outside it', () => {
    for (const path of ['../x', '/etc/passwd', 'a/../../b', 'a\\..\\b', '']) {
      expect(() => bundleTarget('/srv/target', path)).toThrow(expect.objectContaining({ code: 'unsafe_path' }));
    }
    expect(bundleTarget('/srv/target', 'a/b.bin')).toBe(resolve('/srv/target/a/b.bin'));
  });
});
