// Test fixture: the real registry as its own process (PGlite in a temp dir, its own namespace),
// with a token per role, and helpers to register versions and move aliases over its REST API.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleManifest } from '@lynx/bundle';
import { makeTempDir, testNamespace, writeTokensFile, type TestNamespace } from '@lynx/platform/testing';
import type { Role } from '@lynx/schema';
import { spawnApp, type SpawnedApp } from './spawn-app';

export const TOKENS: Record<Role, string> = {
  reader: 'rt-reader',
  trainer: 'rt-trainer',
  operator: 'rt-operator',
  ci: 'rt-ci',
  admin: 'rt-admin',
};

export interface RegistryProcess {
  url: string;
  ns: TestNamespace;
  tokensFile: string;
  app: SpawnedApp;
  /** Registers a one-file version with these tags; returns its digest. */
  register(model: string, tags: Record<string, string>): Promise<string>;
  /** Uploads a bundle directory (every blob) and registers it with these tags; returns its digest. */
  registerDir(model: string, dir: string, tags: Record<string, string>): Promise<string>;
  call(method: string, path: string, body?: unknown, as?: Role): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function startRegistryProcess(env: NodeJS.ProcessEnv = {}): Promise<RegistryProcess> {
  const tmp = await makeTempDir('lynx-router-registry-');
  const tokensFile = await writeTokensFile(tmp.dir, (Object.keys(TOKENS) as Role[]).map((role) => ({ token: TOKENS[role], role, name: `${role}-user` })));
  const ns = testNamespace('rtr', { LYNX_DATA_DIR: tmp.dir, LYNX_TOKENS_FILE: tokensFile, ...env });
  const app = await spawnApp('registry', ns.env);
  const call: RegistryProcess['call'] = async (method, path, body, as = 'admin') => {
    const isBlob = Buffer.isBuffer(body);
    const res = await fetch(app.url + path, {
      method,
      headers: { authorization: `Bearer ${TOKENS[as]}`, ...(body !== undefined ? { 'content-type': isBlob ? 'application/octet-stream' : 'application/json' } : {}) },
      body: body === undefined ? undefined : isBlob ? (body as Buffer) : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url: app.url,
    ns,
    tokensFile,
    app,
    call,
    async register(model, tags) {
      const content = randomBytes(32);
      const digest = sha(content);
      const put = await call('PUT', `/v1/blobs/${digest}`, content, 'trainer');
      if (put.status >= 300) throw new Error(`blob upload failed: ${JSON.stringify(put.body)}`);
      const res = await call('POST', `/v1/models/${model}/versions`, { manifest: { files: [{ path: 'weights.bin', size: content.length, digest }] }, lineage: { data: [] }, tags }, 'trainer');
      if (res.status >= 300) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
      return res.body.digest as string;
    },
    async registerDir(model, dir, tags) {
      const manifest = await bundleManifest(dir);
      for (const f of manifest.files) {
        const put = await call('PUT', `/v1/blobs/${f.digest}`, await readFile(join(dir, f.path)), 'trainer');
        if (put.status >= 300) throw new Error(`blob upload failed: ${JSON.stringify(put.body)}`);
      }
      const files = manifest.files.map((f) => ({ path: f.path, size: f.size, digest: f.digest }));
      const res = await call('POST', `/v1/models/${model}/versions`, { manifest: { files }, lineage: { data: [] }, tags }, 'trainer');
      if (res.status >= 300) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
      return res.body.digest as string;
    },
    async stop() {
      await app.stop();
      await ns.cleanup();
      await tmp.cleanup();
    },
  };
}
