// An OpenAI-compatible upstream in its own process for the router benchmark; prints its URL.
// argv: name, and the model time per answer in ms (a timer, no CPU; default 0).
import { startFakeUpstream } from '../../apps/router/src/testing/fake-upstream';

void startFakeUpstream(process.argv[2] ?? 'fast', { delayMs: Number(process.argv[3] ?? 0) }).then((u) =>
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: u.baseUrl })}\n`),
);
