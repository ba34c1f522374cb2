import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp } from '@lynx/platform';
import { RegistryAppModule, type RegistryModuleOptions } from './app.module';

/** JSON routes accept at most 1 MiB; blob bodies stream past this limit (see below). */
export const JSON_BODY_LIMIT = 1024 * 1024;
/**
 * Baselines and verdicts carry one outcome per eval item (and a baseline every bucket's item ids):
 * ~2 MB for the committed eval set of ~16 000 items, so these two routes take up to 32 MiB.
 */
export const OUTCOMES_BODY_LIMIT = 32 * 1024 * 1024;
const OUTCOME_ROUTES = new Set(['/v1/models/:name/baselines', '/v1/models/:name/verdicts']);

/**
 * Creates and initialises the registry app (not listening). Blob uploads arrive as
 * application/octet-stream: the parser hands the request stream through untouched, so the
 * blob store hashes and writes it as it arrives and enforces LYNX_MAX_BLOB_BYTES itself.
 */
export async function createRegistryApp(options: RegistryModuleOptions = {}): Promise<NestFastifyApplication> {
  const app = await createLynxApp(RegistryAppModule.forRoot(options), 'registry', { bodyLimit: JSON_BODY_LIMIT });
  const fastify = app.getHttpAdapter().getInstance();
  // Routes are registered by init() below, so this hook sees each one.
  fastify.addHook('onRoute', (route) => {
    if (route.method === 'POST' && OUTCOME_ROUTES.has(route.url)) route.bodyLimit = OUTCOMES_BODY_LIMIT;
  });
  fastify
    .addContentTypeParser('application/octet-stream', (_req: unknown, payload: unknown, done: (err: null, body: unknown) => void) => done(null, payload));
  await app.init();
  return app;
}
