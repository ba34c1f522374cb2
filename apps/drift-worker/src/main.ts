import { listenLynxApp } from '@lynx/platform';
import { createDriftApp } from './drift-app';

async function main(): Promise<void> {
  const app = await createDriftApp();
  await listenLynxApp(app);
}

main().catch((err: Error) => {
  process.stderr.write(`lynx drift-worker: failed to start: ${err.message}\n`);
  process.exit(1);
});
