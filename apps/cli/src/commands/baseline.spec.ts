import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { lynx } from '../testing/cli-registry';

// `lynx baseline update --model / show / history` and the dev-mode warning, against a registry
// child with a token per role; the committed eval_baseline.json, its outcomes and eval set.
jest.setTimeout(120_000);

describe('lynx baseline against the registry', () => {
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  const saved = { ...process.env };
  const model = `tutor-${Date.now().toString(36)}`;
  let digest: string;
  const as = (role: 'trainer' | 'operator' | 'ci' | 'reader') => {
    process.env.LYNX_TOKEN = registry.tokens[role];
  };

  beforeAll(async () => {
    [registry, tmp] = await Promise.all([startRegistryChild({ prefix: 'cli-base', env: { LYNX_ENV: 'dev' } }), makeTempDir('lynx-cli-baseline-')]);
    process.env.LYNX_REGISTRY_URL = registry.url;
    const bundle = join(tmp.dir, 'b');
    await mkdir(bundle);
    await writeFile(join(bundle, 'config.json'), '{"variant":"base"}');
    as('trainer');
    digest = (await lynx('push', bundle, '--model', model)).trim();
  });
  afterAll(async () => {
    process.env = saved;
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('registers the committed baseline only as ci or admin, then shows it and its history', async () => {
    as('operator');
    await expect(lynx('baseline', 'update', '--model', model, '--reason', 'try')).rejects.toThrow(/forbidden: only ci or admin may change a baseline/);
    as('ci');
    const printed = await lynx('baseline', 'update', '--model', model, '--reason', 'the committed baseline');
    expect(printed).toMatch(/baseline of .*: \(none\) → sha256:[0-9a-f]{64}\n\s+\d{4,} items, \d+ gating of \d+ buckets, tolerance 0\.\d+/);
    as('reader');
    const shown = await lynx('baseline', 'show', model);
    expect(shown).toMatch(/gating\s+\d+ of \d+ buckets: .*tense\./);
    expect(shown).toMatch(/by\s+ci-user \(ci\) at .*: the committed baseline/);
    const history = await lynx('baseline', 'history', model, '--json');
    expect(JSON.parse(history).map((b: { reason: string }) => b.reason)).toEqual(['the committed baseline']);
    as('ci');
    expect(await lynx('baseline', 'update', '--model', model, '--reason', 'again')).toContain('(none)');
    expect(JSON.parse(await lynx('baseline', 'history', model, '--json'))).toHaveLength(1);
  });

  it('warns loudly when a -dev semver is promoted without a verdict, and the audit marks it', async () => {
    as('trainer');
    let warned = '';
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      warned += String(chunk);
      return true;
    });
    try {
      expect(await lynx('promote', `${model}@${digest}`, 'v0.1.0-dev', '--reason', 'local try')).toContain('v0.1.0-dev');
    } finally {
      spy.mockRestore();
    }
    expect(warned).toMatch(/DEV MODE[\s\S]*not the CI path[\s\S]*dev_bypass/);
    const audit = await registry.call('GET', `/v1/audit?model=${model}`, undefined, 'reader');
    expect(audit.body.entries[0]).toMatchObject({ action: 'promote', after: { dev_bypass: true, semver: 'v0.1.0-dev' } });
  });
});
