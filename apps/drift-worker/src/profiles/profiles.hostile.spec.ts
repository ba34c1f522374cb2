// A version's lineage names where its training data is; a hostile trainer names a file outside the
// drift worker's data root. Against the real drift worker and registry: every such uri is 400
// unsafe_path before any file is read, the same answer whether the file exists, matches or not.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pushRandomVersion } from '@lynx/bundle/testing';
import { makeTempDir, startRegistryChild, testNamespace, type RegistryChild, type TestNamespace } from '@lynx/platform/testing';
import { dataDigest } from '@lynx/tutor';
import { createDriftApp } from '../drift-app';

jest.setTimeout(90_000);

describe('drift profiles: lineage paths outside the data root', () => {
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let registry: RegistryChild;
  let app: NestFastifyApplication;
  let stolen: string;
  let stolenDigest: string;
  const model = 'grammar-tutor';

  beforeAll(async () => {
    ns = testNamespace('drifth');
    await ns.createStreams();
    tmp = await makeTempDir('lynx-drift-hostile-');
    await mkdir(join(tmp.dir, 'root'));
    await mkdir(join(tmp.dir, 'outside'));
    stolen = join(tmp.dir, 'outside', 'stolen.jsonl');
    await writeFile(stolen, '{"input":"he goed home","target":"he went home"}\n');
    stolenDigest = await dataDigest(stolen);
    await symlink(join(tmp.dir, 'outside'), join(tmp.dir, 'root', 'escape'));
    registry = await startRegistryChild({ prefix: 'drifthr', roles: [] });
    app = await createDriftApp({
      env: { ...ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_DRIFT_SCHEDULE: 'false', LYNX_DRIFT_CONSUMER: 'drift-hostile', LYNX_DRIFT_DATA_ROOT: join(tmp.dir, 'root') },
    });
  });

  afterAll(async () => {
    await app?.close();
    await registry?.stop();
    await ns.cleanup();
    await tmp.cleanup();
  });

  const build = async (uri: string, digest = stolenDigest) => {
    const version = await pushRandomVersion({ url: registry.url }, model, { lineage: { data: [{ name: 'corpus', digest, uri }] } });
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/v1/drift/profiles', payload: { model, ref: version } });
    return { status: res.statusCode, code: res.json().error?.code as string | undefined };
  };

  it.each([
    ['an absolute path', () => stolen],
    ['a file:// URL', () => `file://${stolen}`],
    ['.. segments', () => '../outside/stolen.jsonl'],
    ['a symlink inside the root', () => 'escape/stolen.jsonl'],
    ['/etc/hostname', () => '/etc/hostname'],
    ['file:///etc/hostname', () => 'file:///etc/hostname'],
  ])('refuses %s with 400 unsafe_path', async (_what, uri) => {
    expect(await build(uri())).toEqual({ status: 400, code: 'unsafe_path' });
  });

  it('gives the same answer whatever the file outside holds: no oracle for guessed hashes', async () => {
    const right = await build(stolen, stolenDigest);
    const wrong = await build(stolen, `sha256:${'0'.repeat(64)}`);
    const missing = await build(join(tmp.dir, 'outside', 'no-such-file.jsonl'));
    expect(right).toEqual({ status: 400, code: 'unsafe_path' });
    expect(wrong).toEqual(right);
    expect(missing).toEqual(right);
  });
});
