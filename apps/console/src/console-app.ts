import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLynxApp } from '@lynx/platform';
import { ConsoleAppModule, type ConsoleModuleOptions } from './app.module';
import { CONSOLE_CONFIG, type ConsoleConfig } from './console-config';

/**
 * The console app, not yet listening: the API under /api, the built single-page app at every other
 * GET path (index.html for the app's own routes, so a shared URL opens the right page).
 */
export async function createConsoleApp(options: ConsoleModuleOptions = {}): Promise<NestFastifyApplication> {
  const nest = await createLynxApp(ConsoleAppModule.forRoot(options), 'console', { bearerBeforeBody: false });
  const config = nest.get<ConsoleConfig>(CONSOLE_CONFIG);
  const index = path.join(config.webDir, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`${index} does not exist: build the console's pages first with \`npm run console:build\` (or set LYNX_CONSOLE_WEB_DIR)`);
  }
  const fastify = nest.getHttpAdapter().getInstance();
  // Hashed file names under assets/ never change content: cache them for a year; index.html never.
  await fastify.register(fastifyStatic, {
    root: config.webDir,
    wildcard: false,
    index: false,
    setHeaders: (res, file) => res.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const html = fs.readFileSync(index, 'utf8');
  const spa = (_req: unknown, reply: { header: (k: string, v: string) => unknown; type: (t: string) => { send: (b: string) => unknown } }) => {
    reply.header('cache-control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(html);
  };
  for (const route of ['/', '/login', '/audit', '/models', '/models/*']) fastify.get(route, spa);
  await nest.init();
  return nest;
}
