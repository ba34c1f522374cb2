import { existsSync } from 'node:fs';
import { startRegistryChild } from './registry-child';

describe('startRegistryChild', () => {
  it('starts a ready registry that knows its tokens, survives kill + restart, and cleans up on stop', async () => {
    const registry = await startRegistryChild({ prefix: 'rc', roles: ['reader', 'trainer'] });
    try {
      expect((await fetch(`${registry.url}/readyz`)).status).toBe(200);
      expect(Object.keys(registry.tokens).sort()).toEqual(['reader', 'trainer']);
      const list = (as?: string) => fetch(`${registry.url}/v1/models`, { headers: as ? { authorization: `Bearer ${as}` } : {} });
      expect((await list()).status).toBe(401);
      expect((await list(registry.tokens.reader)).status).toBe(200);
      expect(await registry.call('GET', '/v1/models', undefined, 'reader')).toMatchObject({ status: 200 });
      expect((await registry.call('GET', '/v1/models', undefined, 'admin')).status).toBe(401);

      await registry.kill();
      await expect(fetch(`${registry.url}/readyz`)).rejects.toThrow();
      await registry.restart();
      expect((await list(registry.tokens.reader)).status).toBe(200);
    } finally {
      await registry.stop();
    }
    expect(existsSync(registry.dataDir)).toBe(false);
  }, 60_000);

  it('runs with auth off when no roles are asked for', async () => {
    const registry = await startRegistryChild({ roles: [] });
    try {
      expect(registry.tokens).toEqual({});
      expect((await fetch(`${registry.url}/v1/models`)).status).toBe(200);
    } finally {
      await registry.stop();
    }
  }, 60_000);

  it('fails with the registry\'s own words when it cannot start', async () => {
    await expect(startRegistryChild({ env: { LYNX_NAMESPACE: 'Not A Namespace' } })).rejects.toThrow(/LYNX_NAMESPACE/);
  }, 60_000);
});
