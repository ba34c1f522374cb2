// Blob push under CPU load: LYNX_STRESS_CLIENTS (default 4) clients push, round after round
// (LYNX_STRESS_ROUNDS, default 100), a bundle each to one real registry child (PGlite, auth off):
// a 5 000-byte file all clients share (the same blob uploaded concurrently) and a small file of
// their own. LYNX_STRESS_BURNERS (default 3) worker threads spin meanwhile, so the event loop, the
// libuv thread pool and the registry compete for the CPU, as in the CLI specs on a loaded machine.
// Every push goes the real way (HEAD, PUT, version), with a progress callback, whose total must
// equal the bytes uploaded. Prints the counts and each failure; exits 1 on any failure.
// Without load this found nothing; with it, the file stream a progress listener set flowing
// before undici's socket was up lost its bytes in 1 to 4 % of uploads.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pushBundle } from '@lynx/bundle';
import { makeTempDir, startRegistryChild } from '@lynx/platform/testing';

const ROUNDS = Number(process.env.LYNX_STRESS_ROUNDS ?? 100);
const CLIENTS = Number(process.env.LYNX_STRESS_CLIENTS ?? 4);
const BURNERS = Number(process.env.LYNX_STRESS_BURNERS ?? 3);

const BURN = `const { parentPort } = require('node:worker_threads'); let stop = false; parentPort.on('message', () => (stop = true));
const spin = () => { const end = Date.now() + 50; while (Date.now() < end) {} if (!stop) setImmediate(spin); }; spin();`;

async function main(): Promise<void> {
  const registry = await startRegistryChild({ prefix: 'stress', roles: [], env: { LYNX_ENV: 'dev' } });
  const tmp = await makeTempDir('lynx-blob-stress-');
  const burners = Array.from({ length: BURNERS }, () => new Worker(BURN, { eval: true }));
  const failures: string[] = [];
  let pushes = 0;
  let blobs = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const shared = randomBytes(5000);
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          const dir = join(tmp.dir, `r${round}c${client}`);
          await mkdir(dir, { recursive: true });
          await writeFile(join(dir, 'base.bin'), shared);
          await writeFile(join(dir, 'own.bin'), `own ${round} ${client}`);
          let expected = 0;
          let counted = 0;
          try {
            const { uploaded } = await pushBundle({ url: registry.url }, 'stress', dir, {}, { onStart: (n) => (expected = n), onBytes: (n) => (counted += n) });
            blobs += uploaded;
            if (counted !== expected) failures.push(`round ${round} client ${client}: progress counted ${counted} of ${expected} bytes`);
          } catch (err) {
            failures.push(`round ${round} client ${client}: ${(err as Error).message}`);
          }
          pushes++;
        }),
      );
    }
  } finally {
    for (const w of burners) w.postMessage('stop');
    await Promise.all(burners.map((w) => w.terminate()));
    await registry.stop();
    await tmp.cleanup();
  }
  console.log(`pushes=${pushes} blobs_uploaded=${blobs} failures=${failures.length} (rounds=${ROUNDS} clients=${CLIENTS} burners=${BURNERS})`);
  for (const f of failures) console.log(`  ${f}`);
  process.exitCode = failures.length ? 1 : 0;
}

void main();
