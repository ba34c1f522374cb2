import { readdirSync, watch } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startRegistryChild } from '@lynx/platform/testing';
import { sha } from './registry.fixture';

describe('registry crash safety', () => {
  it('leaves no blob and no version when killed mid-upload, and serves what was committed after restart', async () => {
    const registry = await startRegistryChild({ prefix: 'crash', roles: [], env: { LYNX_ENV: 'dev' } });
    const base = registry.url;
    try {
      const committed = 'committed weights';
      expect((await fetch(`${base}/v1/blobs/${sha(committed)}`, { method: 'PUT', body: committed, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(201);
      const reg = await fetch(`${base}/v1/models/crash/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ manifest: { files: [{ path: 'w.bin', size: committed.length, digest: sha(committed) }] }, lineage: { data: [] } }),
      });
      expect(reg.status).toBe(201);
      const version = (await reg.json()) as { digest: string };

      // Start a 8 MiB upload, send 1 MiB, and kill the registry once its temp file exists.
      const big = Buffer.alloc(8 * 1024 * 1024, 3);
      const tmpDir = join(registry.dataDir, 'blobs', 'tmp');
      const tempSeen = new Promise<void>((ok) => {
        const w = watch(tmpDir, () => {
          w.close();
          ok();
        });
      });
      const req = request(`${base}/v1/blobs/${sha(big)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': big.length },
      });
      req.on('error', () => undefined);
      req.write(big.subarray(0, 1024 * 1024));
      await tempSeen;
      await registry.kill();
      req.destroy();

      await registry.restart();
      expect((await fetch(`${base}/v1/blobs/${sha(big)}`, { method: 'HEAD' })).status).toBe(404);
      const show = await fetch(`${base}/v1/models/crash/versions/${version.digest}`);
      expect(show.status).toBe(200);
      expect(await (await fetch(`${base}/v1/blobs/${sha(committed)}`)).text()).toBe(committed);
      const list = (await (await fetch(`${base}/v1/models/crash/versions`)).json()) as { items: unknown[] };
      expect(list.items).toHaveLength(1);
      expect(readdirSync(tmpDir)).toEqual([]);
    } finally {
      await registry.stop();
    }
  }, 90_000);
});
