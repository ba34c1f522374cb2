import { listenLynxApp } from '@lynx/platform';
import { applyRegistryV8Flags } from './memory-flags';
import { createRegistryApp } from './registry-app';

async function main(): Promise<void> {
  applyRegistryV8Flags();
  const app = await createRegistryApp();
  await listenLynxApp(app);
}

main().catch((err: Error) => {
  process.stderr.write(`lynx registry: failed to start: ${err.message}\n`);
  process.exit(1);
});
