import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's ephemeral range (client sockets take their local ports from it); 32768–60999 by default. */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768;
  }
}

function tryListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/**
 * A port free now for a server a test or the demo starts a moment later. Picked below the
 * ephemeral range: a port the OS hands out for `listen(0)` can be taken in between by any
 * outgoing connection's local end, and then the server fails with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  const low = Math.max(10_000, high - 20_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await tryListen(port)) return port;
  }
  throw new Error(`freePort: no free port found between ${low} and ${high}`);
}
