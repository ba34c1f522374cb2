// `lynx token create|revoke` against a registry that is running with LYNX_ENV=prod: the services
// reload the tokens file on change, so a new token works and a revoked one stops without a restart.
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AUTH_METRICS } from '@lynx/schema';
import { startRegistryChild, until, type RegistryChild } from '@lynx/platform/testing';
import { lynx } from '../testing/cli-registry';

describe('lynx token against a running service', () => {
  let registry: RegistryChild;
  let tokensFile: string;

  const status = async (token: string) => (await fetch(`${registry.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status;
  const metric = async (name: string) => {
    const text = await (await fetch(`${registry.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return Number(line?.split(' ').pop() ?? NaN);
  };
  const auditLines = async () =>
    (await readFile(`${tokensFile}.audit.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    registry = await startRegistryChild({ prefix: 'tok', roles: ['admin'], env: { LYNX_ENV: 'prod', LYNX_LOG_LEVEL: 'info' }, readyTimeoutMs: 120_000 });
    tokensFile = registry.ns.env.LYNX_TOKENS_FILE!;
  }, 150_000);
  afterAll(() => registry?.stop());

  it('accepts a token made by `token create` within 2 s, and refuses it within 2 s of `token revoke`', async () => {
    const made = JSON.parse(await lynx('token', 'create', '--role', 'reader', '--name', 'dash-bot', '--tokens-file', tokensFile, '--json'));
    expect(made).toMatchObject({ role: 'reader', name: 'dash-bot', tokens_file: tokensFile });
    expect((await stat(tokensFile)).mode & 0o777).toBe(0o600);
    await until('the new token accepted', 2_000, async () => ((await status(made.token)) === 200 ? true : undefined));
    expect(await metric(AUTH_METRICS.tokens)).toBe(2);
    expect(registry.output()).toContain(`LYNX_TOKENS_FILE: reloaded ${tokensFile}: 2 tokens`);

    expect(await lynx('token', 'revoke', 'dash-bot', '--tokens-file', tokensFile)).toBe(`revoked dash-bot (reader) from ${tokensFile}; 1 tokens left\n`);
    await until('the revoked token refused', 2_000, async () => ((await status(made.token)) === 401 ? true : undefined));
    expect(await status(registry.tokens.admin)).toBe(200);
    expect((await auditLines()).map((l) => [l.action, l.name, l.role])).toEqual([
      ['create', 'dash-bot', 'reader'],
      ['revoke', 'dash-bot', 'reader'],
    ]);
    expect(JSON.stringify(await auditLines())).not.toContain(made.token);
  }, 60_000);

  it('refuses an unknown role or an unknown name with a stable code and leaves the file as it was', async () => {
    const before = await readFile(tokensFile, 'utf8');
    await expect(lynx('token', 'create', '--role', 'root', '--name', 'x', '--tokens-file', tokensFile)).rejects.toMatchObject({
      code: 'unknown_role',
      message: 'unknown role "root": use one of reader, trainer, operator, gate, ci, admin',
    });
    await expect(lynx('token', 'revoke', 'nobody', '--tokens-file', tokensFile)).rejects.toMatchObject({ code: 'token_not_found' });
    await expect(lynx('token', 'create', '--role', 'reader', '--name', 'admin-user', '--tokens-file', tokensFile)).rejects.toMatchObject({ code: 'conflict' });
    expect(await readFile(tokensFile, 'utf8')).toBe(before);
    expect((await readdir(dirname(tokensFile))).filter((f) => f.startsWith(basename(tokensFile)) && f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the old tokens when the file turns to garbage, and counts the refused reload', async () => {
    const good = await readFile(tokensFile, 'utf8');
    const failures = await metric(AUTH_METRICS.tokenReloadFailures);
    const reloads = await metric(AUTH_METRICS.tokenReloads);
    await writeFile(tokensFile, '{"tokens": [ not json');
    try {
      await until('the failure counted', 2_000, async () => ((await metric(AUTH_METRICS.tokenReloadFailures)) === failures + 1 ? true : undefined));
      expect(await status(registry.tokens.admin)).toBe(200);
      expect(registry.output()).toContain(`LYNX_TOKENS_FILE: ${tokensFile} is not JSON`);
      // A CLI change on top of garbage is refused too, rather than dropping the tokens it cannot read.
      await expect(lynx('token', 'create', '--role', 'reader', '--name', 'y', '--tokens-file', tokensFile)).rejects.toThrow(/is not JSON/);
    } finally {
      await writeFile(tokensFile, good);
    }
    await until('the good file reloaded', 2_000, async () => ((await metric(AUTH_METRICS.tokenReloads)) === reloads + 1 ? true : undefined));
    expect(await status(registry.tokens.admin)).toBe(200);
  }, 60_000);
});
