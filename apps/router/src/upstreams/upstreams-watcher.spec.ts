import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@lynx/platform/testing';
import type { UpstreamsFile } from '@lynx/platform';
import { UpstreamsWatcher } from './upstreams-watcher';

const digest = `sha256:${'a'.repeat(64)}`;
const v = { digest, semver: null, tags: { variant: 'lora' } };
const rules = (model: string) => `models:\n  grammar-tutor:\n    - variant: lora\n      base_url: http://vllm:8000/v1\n      model: ${model}\n`;

function changes(): { next(): Promise<UpstreamsFile>; errors: Error[]; onChange(f: UpstreamsFile): void; onError(e: Error): void } {
  const waiting: Array<(f: UpstreamsFile) => void> = [];
  const errors: Error[] = [];
  return {
    next: () => new Promise((resolve) => waiting.push(resolve)),
    errors,
    onChange: (f) => waiting.shift()?.(f),
    onError: (e) => errors.push(e),
  };
}

describe('UpstreamsWatcher', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir('lynx-upstreams-');
  });
  afterAll(() => tmp.cleanup());

  it('re-reads the file when it is edited or replaced by rename, and keeps the last good rules when it stops parsing', async () => {
    const path = join(tmp.dir, 'edited.yaml');
    await writeFile(path, rules('one'));
    const c = changes();
    const w = new UpstreamsWatcher(path, true, 20, c.onChange, c.onError);
    expect(w.file.match('grammar-tutor', v)?.model).toBe('one');
    await w.start();
    try {
      let next = c.next();
      await writeFile(path, rules('two-edited'));
      expect((await next).match('grammar-tutor', v)?.model).toBe('two-edited');
      next = c.next();
      await writeFile(`${path}.tmp`, rules('three-renamed'));
      await rename(`${path}.tmp`, path);
      expect((await next).match('grammar-tutor', v)?.model).toBe('three-renamed');
      await writeFile(path, 'models: [not, a, map');
      await new Promise((r) => setTimeout(r, 300));
      expect(c.errors.length).toBeGreaterThan(0);
      expect(w.file.match('grammar-tutor', v)?.model).toBe('three-renamed');
    } finally {
      await w.stop();
    }
  });

  it('starts with no rules when the default file is absent, and sees it once it is created and again when removed', async () => {
    const path = join(tmp.dir, 'later.yaml');
    const c = changes();
    const w = new UpstreamsWatcher(path, false, 20, c.onChange, c.onError);
    expect(w.file.match('grammar-tutor', v)).toBeUndefined();
    await w.start();
    try {
      let next = c.next();
      await writeFile(path, rules('created'));
      expect((await next).match('grammar-tutor', v)?.model).toBe('created');
      next = c.next();
      await rm(path);
      expect((await next).match('grammar-tutor', v)).toBeUndefined();
    } finally {
      await w.stop();
    }
  });

  it('refuses to start when a file named by LYNX_ROUTER_UPSTREAMS_FILE does not exist', () => {
    expect(() => new UpstreamsWatcher(join(tmp.dir, 'missing.yaml'), true, 20, () => undefined, () => undefined)).toThrow(/cannot read upstreams file/);
  });
});
