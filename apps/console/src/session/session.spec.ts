// The console signs in against the platform's token set, so a token added to or removed from the
// tokens file while it runs is accepted or refused without a restart.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp, hashToken } from '@lynx/platform';
import { makeTempDir, testNamespace, until, type TestNamespace } from '@lynx/platform/testing';
import { ConsoleAppModule } from '../app.module';

const tokensBody = (tokens: Array<[token: string, name: string]>) =>
  JSON.stringify({ tokens: tokens.map(([t, name]) => ({ sha256: hashToken(t).toString('hex'), role: 'operator', name })) });

describe('console sign-in follows the tokens file', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let tokensFile: string;
  const replace = async (text: string) => {
    await writeFile(`${tokensFile}.tmp`, text);
    await rename(`${tokensFile}.tmp`, tokensFile);
  };
  const signIn = async (token: string) => (await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/api/session', payload: { token } })).statusCode;

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-console-tokens-');
    tokensFile = join(tmp.dir, 'tokens.json');
    await writeFile(tokensFile, tokensBody([['first-secret', 'first']]));
    ns = testNamespace('contok', { LYNX_ENV: 'prod', LYNX_TOKENS_FILE: tokensFile });
    // The API alone: the pages' static files play no part in sign-in.
    app = await createLynxApp(ConsoleAppModule.forRoot({ env: ns.env }), 'console', { bearerBeforeBody: false });
    await app.init();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await ns?.cleanup();
    await tmp?.cleanup();
  });

  it('signs in with a token added while it runs, and refuses one removed', async () => {
    expect(await signIn('first-secret')).toBe(200);
    expect(await signIn('second-secret')).toBe(401);
    await replace(tokensBody([['first-secret', 'first'], ['second-secret', 'second']]));
    await until('the added token signs in', 2_000, async () => ((await signIn('second-secret')) === 200 ? true : undefined));
    await replace(tokensBody([['second-secret', 'second']]));
    await until('the removed token refused', 2_000, async () => ((await signIn('first-secret')) === 401 ? true : undefined));
  });
});
