import type { Command } from 'commander';
import { CliError } from '../exit';
import { ServiceClient } from '../service-client';
import { table } from '../registry/table';

interface FeedbackOpts {
  accepted?: boolean;
  rejected?: boolean;
  correction?: string;
  json?: boolean;
}

export function registerFeedbackCommands(program: Command): void {
  program
    .command('feedback <requestId>')
    .description('record whether the learner accepted the answer of a request (its x-lynx-request-id), through the router')
    .option('--accepted', 'the learner accepted the correction')
    .option('--rejected', 'the learner rejected the correction')
    .option('--correction <text>', 'what the answer should have been')
    .option('--json', 'print machine-readable JSON')
    .action(async (requestId: string, opts: FeedbackOpts) => {
      if (!!opts.accepted === !!opts.rejected) throw new CliError('give exactly one of --accepted or --rejected');
      const answer = await new ServiceClient('router').json('POST', '/v1/feedback', {
        request_id: requestId,
        accepted: !!opts.accepted,
        ...(opts.correction !== undefined ? { correction: opts.correction } : {}),
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(answer, null, 2)}\n`
          : table(['REQUEST', 'FEEDBACK', 'EVENT'], [[answer.request_id, opts.accepted ? 'accepted' : 'rejected', answer.event_id]]),
      );
    });
}
