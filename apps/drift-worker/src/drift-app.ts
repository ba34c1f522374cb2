import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp } from '@lynx/platform';
import { DriftAppModule, type DriftAppOptions } from './app.module';

/** Creates and initialises the drift worker (not listening): consumer started, windows scheduled. */
export async function createDriftApp(options: DriftAppOptions = {}): Promise<NestFastifyApplication> {
  const app = await createLynxApp(DriftAppModule.forRoot(options), 'drift-worker');
  await app.init();
  return app;
}
