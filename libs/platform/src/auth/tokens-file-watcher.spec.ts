import { renameSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry, type Counter, type Gauge } from 'prom-client';
import { AUTH_METRICS, type Role } from '@lynx/schema';
import { makeTempDir, until } from '../testing';
import { WatchedFile } from '../files/watched-file';
import { TokenStore, hashToken } from './token-store';
import { TokensFileWatcher } from './tokens-file-watcher';

const body = (tokens: Array<[token: string, role: Role, name: string]>) =>
  `${JSON.stringify({ tokens: tokens.map(([t, role, name]) => ({ sha256: hashToken(t).toString('hex'), role, name })) })}\n`;

/** Replaces the file as `lynx token create` and editors do: a whole new file renamed over it. */
async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

describe('TokensFileWatcher', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let path: string;
  let store: TokenStore;
  let registry: Registry;
  let watcher: TokensFileWatcher | undefined;
  const logged: Array<{ level: string; msg: string }> = [];
  const log = {
    log: (m: unknown) => logged.push({ level: 'info', msg: (m as { msg: string }).msg }),
    error: (m: unknown) => logged.push({ level: 'error', msg: (m as { msg: string }).msg }),
  };
  const count = async (name: string) => (await (registry.getSingleMetric(name) as Counter | Gauge).get()).values[0]?.value ?? 0;
  const who = (token: string) => store.authenticate(token)?.name;

  beforeEach(async () => {
    tmp = await makeTempDir('lynx-tokens-watch-');
    path = join(tmp.dir, 'tokens.json');
    await writeFile(path, body([['old-secret', 'reader', 'old']]));
    store = TokenStore.fromFile(path);
    registry = new Registry();
    logged.length = 0;
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await tmp.cleanup();
  });

  it('follows a file replaced by rename, and a token removed from it stops working', async () => {
    watcher = await TokensFileWatcher.start(path, store, log, registry, { initial: store.source, pollMs: 60_000 });
    expect(await count(AUTH_METRICS.tokenReloads)).toBe(0);
    await replace(path, body([['old-secret', 'reader', 'old'], ['new-secret', 'operator', 'new']]));
    await until('new token accepted', 2_000, () => who('new-secret'));
    expect(await count(AUTH_METRICS.tokenReloads)).toBe(1);
    expect(await count(AUTH_METRICS.tokens)).toBe(2);
    expect(logged).toContainEqual({ level: 'info', msg: `LYNX_TOKENS_FILE: reloaded ${path}: 2 tokens` });

    await replace(path, body([['new-secret', 'operator', 'new']]));
    await until('old token revoked', 2_000, () => (who('old-secret') === undefined ? true : undefined));
    expect(who('new-secret')).toBe('new');
  });

  it('reads a burst of replacements once, after the last', async () => {
    watcher = await TokensFileWatcher.start(path, store, log, registry, { initial: store.source, pollMs: 60_000 });
    // Synchronous on purpose: no event is handled before the burst ends.
    for (let i = 0; i < 20; i++) {
      writeFileSync(`${path}.tmp`, body([[`secret-${i}`, 'reader', `t${i}`]]));
      renameSync(`${path}.tmp`, path);
    }
    await until('last token accepted', 2_000, () => who('secret-19'));
    expect(who('secret-3')).toBeUndefined();
    expect(await count(AUTH_METRICS.tokenReloads)).toBe(1);
  });

  it('finds a change by the stat poll alone', async () => {
    watcher = await TokensFileWatcher.start(path, store, log, registry, { initial: store.source, fsWatch: false, pollMs: 50, debounceMs: 10 });
    await writeFile(path, body([['poll-secret', 'admin', 'polled']]));
    await until('polled token accepted', 2_000, () => who('poll-secret'));
    expect(who('old-secret')).toBeUndefined();
  });

  it('keeps the last good set when the file is garbage, invalid or gone, and counts each refusal', async () => {
    watcher = await TokensFileWatcher.start(path, store, log, registry, { initial: store.source, pollMs: 100 });
    await replace(path, '{"tokens": [ garbage');
    await until('garbage refused', 2_000, async () => ((await count(AUTH_METRICS.tokenReloadFailures)) === 1 ? true : undefined));
    expect(who('old-secret')).toBe('old');
    expect(logged.at(-1)).toEqual({ level: 'error', msg: expect.stringMatching(new RegExp(`LYNX_TOKENS_FILE: ${path} is not JSON: .*; keeping the 1 tokens loaded before`)) });

    await replace(path, JSON.stringify({ tokens: [{ sha256: 'nope', role: 'root', name: 'x' }] }));
    await until('invalid file refused', 2_000, async () => ((await count(AUTH_METRICS.tokenReloadFailures)) === 2 ? true : undefined));
    expect(logged.at(-1)?.msg).toMatch(/is invalid: tokens\.0\.sha256: .*tokens\.0\.role/);

    await rm(path);
    await until('missing file refused', 2_000, async () => ((await count(AUTH_METRICS.tokenReloadFailures)) === 3 ? true : undefined));
    expect(logged.at(-1)?.msg).toMatch(/cannot read .*ENOENT/);
    expect(who('old-secret')).toBe('old');

    await replace(path, body([['back-secret', 'reader', 'back']]));
    await until('good file loaded again', 2_000, () => who('back-secret'));
    expect(await count(AUTH_METRICS.tokenReloads)).toBe(1);
    expect(who('old-secret')).toBeUndefined();
  });

  it('reports nothing once closed', async () => {
    watcher = await TokensFileWatcher.start(path, store, log, registry, { initial: store.source, pollMs: 20, debounceMs: 5 });
    await watcher.close();
    // A second watcher with the same timings sees the change, so the closed one had the time to.
    const changes: string[] = [];
    const probe = new WatchedFile(path, (c) => changes.push(c.raw ?? ''), { initial: store.source, pollMs: 20, debounceMs: 5 });
    await probe.start();
    try {
      await replace(path, body([['late-secret', 'reader', 'late']]));
      await until('probe saw the change', 2_000, () => (changes.length ? true : undefined));
    } finally {
      await probe.close();
    }
    expect(who('late-secret')).toBeUndefined();
    expect(await count(AUTH_METRICS.tokenReloads)).toBe(0);
  });
});
