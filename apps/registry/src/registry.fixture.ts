// Test fixture: a registry app on a temp data dir with its own namespace and tokens per role.
import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import { makeTempDir, testNamespace, writeTokensFile, type TestNamespace } from '@lynx/platform/testing';
import type { Role } from '@lynx/schema';
import { createRegistryApp } from './registry-app';
import { dropPostgresSchema } from './store/open-store';

export const TOKENS: Record<Role, string> = {
  reader: 'tok-reader',
  trainer: 'tok-trainer',
  operator: 'tok-operator',
  gate: 'tok-gate',
  ci: 'tok-ci',
  admin: 'tok-admin',
};

export interface RegistryFixture {
  app: NestFastifyApplication;
  ns: TestNamespace;
  dataDir: string;
  inject(opts: InjectOptions & { as?: Role | null }): ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>['inject'] extends (o: InjectOptions) => infer R ? R : never;
  /** Uploads blobs and registers a bundle of `files` (path → content); returns the response. */
  push(model: string, files: Record<string, string>, extra?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export const sha = (content: string | Buffer) => `sha256:${createHash('sha256').update(content).digest('hex')}`;

/** `databaseSchema`: run on the machine's PostgreSQL (LYNX_DATABASE_URL in env) in a schema of its own, dropped on close. */
export async function startRegistry(env: Record<string, string> = {}, maxBlobBytes?: number, databaseSchema?: string): Promise<RegistryFixture> {
  const tmp = await makeTempDir('lynx-registry-');
  const tokensFile = await writeTokensFile(
    tmp.dir,
    (Object.keys(TOKENS) as Role[]).map((role) => ({ token: TOKENS[role], role, name: `${role}-user` })),
  );
  const ns = testNamespace('reg', { LYNX_DATA_DIR: tmp.dir, LYNX_TOKENS_FILE: tokensFile, ...env });
  const app = await createRegistryApp({ env: ns.env, config: maxBlobBytes ? { maxBlobBytes } : undefined, databaseSchema });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const inject = ((opts: InjectOptions & { as?: Role | null }) => {
    const { as = 'admin', ...rest } = opts;
    const headers = { ...(rest.headers ?? {}), ...(as ? { authorization: `Bearer ${TOKENS[as]}` } : {}) };
    return fastify.inject({ ...rest, headers });
  }) as RegistryFixture['inject'];
  const push: RegistryFixture['push'] = async (model, files, extra = {}) => {
    for (const content of Object.values(files)) {
      await fastify.inject({
        method: 'PUT',
        url: `/v1/blobs/${sha(content)}`,
        headers: { authorization: `Bearer ${TOKENS.trainer}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.from(content),
      });
    }
    const manifest = { files: Object.entries(files).map(([path, content]) => ({ path, size: Buffer.byteLength(content), digest: sha(content) })) };
    const res = await fastify.inject({
      method: 'POST',
      url: `/v1/models/${model}/versions`,
      headers: { authorization: `Bearer ${TOKENS.trainer}` },
      payload: { manifest, lineage: { data: [] }, ...extra },
    });
    return { status: res.statusCode, body: res.json() };
  };
  return {
    app,
    ns,
    dataDir: tmp.dir,
    inject,
    push,
    async close() {
      await app.close();
      if (databaseSchema && env.LYNX_DATABASE_URL) await dropPostgresSchema(env.LYNX_DATABASE_URL, databaseSchema);
      await ns.cleanup();
      await tmp.cleanup();
    },
  };
}
