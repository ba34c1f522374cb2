import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LynxLogger, createLynxApp } from '@lynx/platform';
import { AppModule, type ModelServerOptions } from './app.module';
import { OpenAiExceptionFilter } from './openai/openai-exception.filter';

/** Requests are one sentence each; 256 KiB leaves room for long system prompts and batches. */
export const MODEL_SERVER_BODY_LIMIT = 256 * 1024;

/**
 * The model server, created but not listening. The OpenAI filter is also global because body
 * errors (malformed JSON, too large) happen before routing, where controller filters never run.
 */
export async function createModelServer(options: ModelServerOptions = {}): Promise<NestFastifyApplication> {
  const app = await createLynxApp(AppModule.forRoot(options), 'model-server', { bodyLimit: MODEL_SERVER_BODY_LIMIT });
  app.useGlobalFilters(new OpenAiExceptionFilter(app.get(LynxLogger)));
  return app;
}
