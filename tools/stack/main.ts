import { stackConfig } from './config';
import { down, formatTable, StackError, status, up } from './stack';

const USAGE = 'usage: stack.js up | down | status';

/** `npm run stack:up | stack:down | stack:status`. Exit 0 on success, 1 when a service is unusable, 2 on bad usage. */
export async function main(argv: string[]): Promise<number> {
  const config = stackConfig();
  const log = (line: string) => console.log(line);
  try {
    switch (argv[0]) {
      case 'up':
        console.log(formatTable(await up(config, log)));
        return 0;
      case 'down':
        await down(config, log);
        return 0;
      case 'status': {
        const states = await status(config);
        console.log(formatTable(states));
        return states.every((s) => s.state === 'up') ? 0 : 1;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } catch (err) {
    if (!(err instanceof StackError)) throw err;
    console.error(`stack: ${err.message}`);
    return 1;
  }
}
