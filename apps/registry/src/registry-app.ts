import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp } from '@lynx/platform';
import { RegistryAppModule, type RegistryModuleOptions } from './app.module';

/** JSON routes accept at most 1 MiB; blob bodies stream past this limit (see below). */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Creates and initialises the registry app (not listening). Blob uploads arrive as
 * application/octet-stream: the parser hands the request stream through untouched, so the
 * blob store hashes and writes it as it arrives and enforces LYNX_MAX_BLOB_BYTES itself.
 */
export async function createRegistryApp(options: RegistryModuleOptions = {}): Promise<NestFastifyApplication> {
  const app = await createLynxApp(RegistryAppModule.forRoot(options), 'registry', { bodyLimit: JSON_BODY_LIMIT });
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('application/octet-stream', (_req: unknown, payload: unknown, done: (err: null, body: unknown) => void) => done(null, payload));
  await app.init();
  return app;
}
