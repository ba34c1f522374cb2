// load_lora_adapter with a registry ref: the model server pulls the bundle from a real registry
// (apps/registry, run as its own process) and verifies every blob and the bundle digest.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleManifest } from '@lynx/bundle';
import { makeTempDir, testNamespace, writeTokensFile, type TestNamespace } from '@lynx/platform/testing';
import { correct } from '@lynx/tutor';
import { startModelServer, type ModelServerFixture } from './testing/model-server-fixture';

const REPO = resolve(__dirname, '../../..');
const TOKENS = { trainer: 'ms-trainer-token', reader: 'ms-reader-token' };

/** Starts the registry on a free port and resolves with its URL once it logs that it listens. */
function startRegistry(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/registry/src/main.ts'], {
    cwd: REPO,
    env: { ...process.env, ...env, LYNX_REGISTRY_PORT: '0', LYNX_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = /"msg":"listening".*"url":"([^"]+)"/.exec(line)?.[1];
      if (url) done({ child, url: url.replace('[::1]', '127.0.0.1') });
    });
    child.once('exit', (code) => fail(new Error(`registry exited with ${code}: ${stderr}`)));
  });
}

async function push(registry: string, model: string, dir: string, parentDigest?: string): Promise<string> {
  const auth = { authorization: `Bearer ${TOKENS.trainer}` };
  const manifest = await bundleManifest(dir);
  for (const f of manifest.files) {
    const res = await fetch(`${registry}/v1/blobs/${f.digest}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: await readFile(join(dir, f.path)),
    });
    expect(res.status).toBeLessThan(300);
  }
  const res = await fetch(`${registry}/v1/models/${model}/versions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ manifest: { files: manifest.files }, lineage: { data: [], ...(parentDigest ? { parent_digest: parentDigest } : {}) } }),
  });
  expect(res.status).toBeLessThan(300);
  return manifest.digest;
}

describe('model server pulling from the registry', () => {
  let ns: TestNamespace;
  let registry: { child: ChildProcess; url: string } | undefined;
  let f: ModelServerFixture;
  let loraDigest: string;
  let int8Digest: string;
  let regTmp: { dir: string; cleanup(): Promise<void> } | undefined;
  let trained: ModelServerFixture['trained'];

  beforeAll(async () => {
    // A first server only to train the bundles that get pushed; the registry has a temp dir of its own.
    f = await startModelServer();
    regTmp = await makeTempDir('lynx-ms-registry-');
    const regDir = regTmp.dir;
    const tokensFile = await writeTokensFile(regDir, [
      { token: TOKENS.trainer, role: 'trainer', name: 'trainer' },
      { token: TOKENS.reader, role: 'reader', name: 'model-server' },
    ]);
    ns = testNamespace('ms', { LYNX_DATA_DIR: regDir, LYNX_TOKENS_FILE: tokensFile });
    registry = await startRegistry(ns.env);
    loraDigest = await push(registry.url, 'grammar-tutor', f.trained.dirs.lora, f.trained.runs.base.bundle_digest);
    int8Digest = await push(registry.url, 'grammar-tutor', f.trained.dirs.int8);
    // A second server, configured like production: registry URL and a reader token.
    trained = f.trained;
    await f.close();
    f = await startModelServer({ LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: TOKENS.reader });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    if (registry) {
      const exited = new Promise((done) => registry!.child.once('exit', done));
      registry.child.kill('SIGTERM');
      await exited;
    }
    await ns?.cleanup();
    await regTmp?.cleanup();
  });

  it('pulls an adapter by digest, lays it over the loaded base, and serves it', async () => {
    const ref = `grammar-tutor@${loraDigest}`;
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'pulled-lora', lora_path: ref });
    expect(res.status).toBe(200);
    const card = (await f.client.models.list()).data.find((m) => m.id === 'pulled-lora') as unknown as Record<string, unknown>;
    expect(card).toMatchObject({ parent: 'base', root: ref, digest: loraDigest });
    const sentence = 'I has eaten the cake.';
    const answer = await f.client.chat.completions.create({ model: 'pulled-lora', messages: [{ role: 'user', content: sentence }] });
    expect(answer.choices[0].message.content).toBe(correct(trained.models.lora, sentence).corrected);
    const cached = await readdir(join(f.tmp, 'data', 'model-server', 'bundles'));
    expect(cached).toEqual([loraDigest.slice('sha256:'.length)]);
  });

  it('pulls a full model too', async () => {
    const res = await f.post('/v1/load_lora_adapter', { lora_name: 'pulled-int8', lora_path: `grammar-tutor@${int8Digest}` });
    expect(res.status).toBe(200);
    const card = (await f.client.models.list()).data.find((m) => m.id === 'pulled-int8') as unknown as Record<string, unknown>;
    expect(card).toMatchObject({ parent: null, digest: int8Digest });
  });

  it('refuses a digest the registry does not have (404) and a pull that is not the expected digest (400)', async () => {
    const missing = await f.post('/v1/load_lora_adapter', { lora_name: 'nope', lora_path: `grammar-tutor@sha256:${'1'.repeat(64)}` });
    expect({ status: missing.status, code: missing.body.error.code }).toEqual({ status: 404, code: 'model_not_found' });
    const wrong = await f.post('/v1/load_lora_adapter', { lora_name: 'nope', lora_path: `grammar-tutor@${loraDigest}`, digest: int8Digest });
    expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 400, code: 'digest_mismatch' });
  });
});
