import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LynxLogger, RawRoutes, createLynxApp } from '@lynx/platform';
import { RouterAppModule, type RouterOptions } from './app.module';
import { loadRouterConfig } from './config/router-config';
import { OpenAiExceptionFilter } from './openai/openai-exception.filter';
import { registerCompletionRoutes } from './proxy/completion-routes';

/** The router, created and initialised but not listening. */
export async function createRouterApp(options: RouterOptions = {}): Promise<NestFastifyApplication> {
  const bodyLimit = options.router?.bodyLimit ?? loadRouterConfig(options.env ?? process.env).bodyLimit;
  const raw = new RawRoutes();
  const app = await createLynxApp(RouterAppModule.forRoot(options), 'router', { bodyLimit, rawRoutes: raw });
  app.useGlobalFilters(new OpenAiExceptionFilter(app.get(LynxLogger)));
  registerCompletionRoutes(app, raw);
  await app.init();
  return app;
}
