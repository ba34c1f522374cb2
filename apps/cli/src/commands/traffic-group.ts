import type { Command } from 'commander';

/**
 * The `traffic` command group, created on first use, so `traffic replay` (drift experiments) and
 * `traffic show|set` (router plans) register into one group whatever the order.
 */
export function trafficCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'traffic') ??
    program.command('traffic').description('traffic plans of the router and synthetic traffic for experiments')
  );
}
