import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleDigest } from '@lynx/bundle';
import { lynx, startCliRegistry, type CliRegistry } from '../testing/cli-registry';

describe('lynx registry commands against a running registry', () => {
  let cli: CliRegistry;

  beforeAll(async () => {
    cli = await startCliRegistry('cli');
  }, 60_000);
  afterAll(() => cli?.close());

  it('pushes a bundle with its run lineage, pulls it back verified, promotes and rolls back', async () => {
    const bundle = join(cli.dir, 'lora');
    await mkdir(join(bundle, 'adapter'), { recursive: true });
    await writeFile(join(bundle, 'adapter', 'weights.bin'), Buffer.alloc(4096, 9));
    await writeFile(join(bundle, 'config.json'), '{"variant":"lora"}');
    await writeFile(`${bundle}.run.json`, JSON.stringify({ run_id: 'run-7', code_commit: 'abc123', params: { seed: 42, lr: 0.1 }, data: { path: 'corpus.jsonl', digest: `sha256:${'1'.repeat(64)}` }, metrics: { train_items: 90 } }));
    const digest = await bundleDigest(bundle);
    expect((await lynx('push', bundle, '--model', 'tutor', '--data', `eval=sha256:${'2'.repeat(64)}`)).trim()).toBe(digest);
    expect((await lynx('push', bundle, '--model', 'tutor')).trim()).toBe(digest);

    const shown = JSON.parse(await lynx('show', `tutor@${digest.slice(7, 20)}`));
    expect(shown.lineage).toMatchObject({ run_id: 'run-7', code_commit: 'abc123', params: { seed: 42, lr: 0.1 } });
    expect(shown.lineage.data.map((d: { name: string }) => d.name).sort()).toEqual(['corpus.jsonl', 'eval']);
    expect(shown.metrics).toEqual({ train_items: 90 });

    const target = join(cli.dir, 'pulled');
    expect((await lynx('pull', `tutor@${digest}`, target)).trim()).toBe(digest);
    expect(await bundleDigest(target)).toBe(digest);
    expect(await readFile(join(target, 'config.json'), 'utf8')).toBe('{"variant":"lora"}');
    await expect(lynx('pull', `tutor@${digest}`, target)).rejects.toThrow(/not empty/);

    expect(await lynx('models')).toMatch(/tutor\s+1/);
    expect(await lynx('versions', 'tutor')).toContain(digest.slice(7, 19));
    expect(await lynx('promote', `tutor@${digest}`, 'v0.1.0-dev', '--reason', 'first')).toContain('v0.1.0-dev');
    await expect(lynx('promote', `tutor@${digest}`, 'v0.2.0', '--reason', 'x')).rejects.toThrow(/verdict_required[\s\S]*lynx gate promote/);
    await expect(lynx('rollback', 'tutor', '--reason', 'x')).rejects.toThrow(/rollback_target_invalid/);
    expect(await lynx('history', 'tutor')).toMatch(/promote\s+-\s+[0-9a-f]{12}\s+v0\.1\.0-dev/);
    await expect(lynx('show', 'tutor@nightly')).rejects.toThrow(/alias_not_found/);
  }, 60_000);
});
