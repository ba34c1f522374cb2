// A fast OpenAI-compatible upstream in its own process for the router benchmark; prints its URL.
import { startFakeUpstream } from '../../apps/router/src/testing/fake-upstream';

void startFakeUpstream(process.argv[2] ?? 'fast').then((u) => process.stdout.write(`${JSON.stringify({ msg: 'listening', url: u.baseUrl })}\n`));
