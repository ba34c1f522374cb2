// The one registry client against the real registry: what every app relies on — answers typed,
// errors as named errors with stable codes, the token hint, and a GET that survives a reset.
import { randomBytes, createHash } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { ModelNotFoundError, UnauthorizedError, VersionNotFoundError } from '@lynx/schema';
import { RegistryClient } from '@lynx/registry-client';
import { startRegistryChild, type RegistryChild } from '@lynx/platform/testing';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A TCP hop in front of the registry that resets the first `resets` connections it gets. */
async function resettingProxy(port: number, resets: number): Promise<{ url: string; resetsLeft: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (resets > 0) {
      resets--;
      client.once('data', () => client.resetAndDestroy());
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port: own } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${own}`,
    resetsLeft: () => resets,
    close: () => new Promise((done) => (sockets.forEach((s) => s.destroy()), server.close(() => done()))),
  };
}

describe('RegistryClient against the registry', () => {
  let registry: RegistryChild;
  const model = `client-${randomBytes(3).toString('hex')}`;
  const weights = randomBytes(64);

  beforeAll(async () => {
    registry = await startRegistryChild({ prefix: 'client' });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('uploads a blob, registers a version and reads it back by digest, digest prefix and page', async () => {
    const client = new RegistryClient({ url: registry.url, token: registry.tokens.trainer });
    const digest = sha(weights);
    expect(await client.hasBlob(digest)).toBe(false);
    await client.putBlob(digest, () => weights, weights.length);
    expect(await client.hasBlob(digest)).toBe(true);
    const version = await client.registerVersion(model, { manifest: { files: [{ path: 'weights.bin', digest, size: weights.length }] }, lineage: { data: [] }, tags: { variant: 'base' } });
    expect(version.tags).toEqual({ variant: 'base' });
    expect(await client.resolve(model, version.digest.slice(0, 19))).toBe(version.digest);
    expect((await client.version(model, version.digest)).model).toBe(model);
    const page = await client.versions(model, { limit: 1 });
    expect(page.items.map((v) => v.digest)).toEqual([version.digest]);
    expect((await client.manifest(model, version.digest)).digest).toBe(version.digest);
    const blob = Buffer.from(await (await client.getBlob(digest)).arrayBuffer());
    expect(blob.equals(weights)).toBe(true);
    expect(await client.production(model)).toBeNull();
    expect((await client.traffic(model)).revision).toBe(0);
    await client.close();
  });

  it('answers a 404 with the named error and its stable code', async () => {
    const client = new RegistryClient({ url: registry.url, token: registry.tokens.reader });
    await expect(client.version('no-such-model', 'production')).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(client.production('no-such-model')).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(client.aliasVersion(model, 'production')).rejects.toMatchObject({ code: 'alias_not_found', status: 404 });
    const err = await client.version(model, `sha256:${'0'.repeat(64)}`).catch((e) => e);
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect([err.code, err.status]).toEqual(['version_not_found', 404]);
    expect(await client.findVersion(model, `sha256:${'0'.repeat(64)}`)).toBeUndefined();
  });

  it('answers a 401 with Unauthorized and says how to set LYNX_TOKEN', async () => {
    const client = new RegistryClient({ url: registry.url, token: null });
    const err = await client.listModels().catch((e) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect([err.code, err.status]).toEqual(['unauthorized', 401]);
    expect(err.message).toContain('export LYNX_TOKEN=');
  });

  it('sends a GET again when the connection is reset before the answer', async () => {
    const proxy = await resettingProxy(registry.port, 2);
    try {
      const client = new RegistryClient({ url: proxy.url, token: registry.tokens.reader });
      const { models } = await client.listModels();
      expect(proxy.resetsLeft()).toBe(0);
      expect(models.map((m) => m.name)).toContain(model);
    } finally {
      await proxy.close();
    }
  });

  it('does not send a POST twice when the connection is reset', async () => {
    const proxy = await resettingProxy(registry.port, 1);
    try {
      const client = new RegistryClient({ url: proxy.url, token: registry.tokens.operator });
      const err = await client.promote(model, { digest: sha(weights), semver: 'v1.0.0', reason: 'never sent' }).catch((e) => e);
      expect(err.code).toBe('upstream_unavailable');
      expect(proxy.resetsLeft()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
