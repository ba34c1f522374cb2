import 'reflect-metadata';
import { listenLynxApp } from '@lynx/platform';
import { createConsoleApp } from './console-app';

async function start(): Promise<void> {
  try {
    await listenLynxApp(await createConsoleApp());
  } catch (err) {
    process.stderr.write(`lynx console: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void start();
