import type { Command } from 'commander';
import { CliError, EXIT } from '../exit';
import { RegistryClient, parseModelRef } from '../registry-client';
import { renderLineage } from '../registry/lineage-tree';
import { findRequest } from '../registry/request-lookup';

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/**
 * `lynx lineage <model>@<ref>`: where a version came from and everything that involved it, and why
 * it is serving. `lynx lineage request <request id>`: which version answered a request (from the
 * router's lynx.inference.completed events on JetStream) and why it was serving at that time.
 */
export function registerLineageCommands(program: Command): void {
  program
    .command('lineage <target> [requestId]')
    .description('lineage of <model>@<ref>, or `lineage request <request id>`: which version served it and why')
    .option('--json', 'print the JSON answer')
    .option('--at <time>', 'explain why it was serving at this ISO time')
    .option('--since <time>', 'request lookup: read the inference stream from this ISO time (default: from the start)')
    .action(async (target: string, requestId: string | undefined, opts: { json?: boolean; at?: string; since?: string }) => {
      const client = new RegistryClient();
      if (requestId === undefined) {
        const { model, ref } = parseModelRef(target);
        const lineage = await client.lineage(model, ref, opts.at);
        out(opts.json ? JSON.stringify(lineage, null, 2) : renderLineage(lineage));
        return;
      }
      if (target !== 'request') throw new CliError(`expected \`lynx lineage <model>@<ref>\` or \`lynx lineage request <request id>\``, EXIT.error);
      const found = await findRequest(requestId, {
        natsUrl: process.env.LYNX_NATS_URL || 'nats://127.0.0.1:4222',
        namespace: process.env.LYNX_NAMESPACE || 'lynx',
        since: opts.since,
      });
      if (!found.served) {
        throw new CliError(`request ${requestId} not found in the inference stream (${found.scanned} events read)`, EXIT.failed);
      }
      const e = found.served;
      const lineage = await client.lineage<any>(e.model, e.digest, e.time);
      const request = { request_id: requestId, time: e.time, model: e.model, digest: e.digest, arm: e.arm, role: e.role, status: e.status, shadows: found.shadows.map((x) => ({ digest: x.digest, arm: x.arm })) };
      if (opts.json) {
        out(JSON.stringify({ request, lineage }, null, 2));
        return;
      }
      const shadow = request.shadows.length ? `; shadowed by ${request.shadows.map((x) => x.digest.slice(7, 19)).join(', ')}` : '';
      out(`request ${requestId} at ${e.time}: answered by ${e.model}@${e.digest} (arm ${e.arm}, role ${e.role}, ${e.status})${shadow}\n${renderLineage(lineage)}`);
    });
}
