import 'reflect-metadata';
import { listenLynxApp } from '@lynx/platform';
import { createModelServer } from './create-app';

// Lynx's OpenAI-compatible CPU server for the grammar tutor (docs/MODEL-SERVER.md).
async function main(): Promise<void> {
  try {
    await listenLynxApp(await createModelServer());
  } catch (err) {
    process.stderr.write(`lynx model-server: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
