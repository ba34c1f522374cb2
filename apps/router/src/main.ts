import 'reflect-metadata';
import { listenLynxApp } from '@lynx/platform';
import { createRouterApp } from './router-app';

// Lynx's router: OpenAI-compatible traffic splitting by registry digest (docs in ARCHITECTURE.md).
async function main(): Promise<void> {
  try {
    await listenLynxApp(await createRouterApp());
  } catch (err) {
    process.stderr.write(`lynx router: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
