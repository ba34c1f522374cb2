import type { Command } from 'commander';
import { compareDrift, formatDriftTable } from '../drift/drift-compare';
import { readDriftInput } from '../drift/drift-input';
import { CliError, EXIT } from '../exit';

/**
 * The `drift` command group, created on first use. Other modules add their `drift …`
 * subcommands through this getter so the group is built once whatever the registration order.
 */
export function driftCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'drift') ??
    program.command('drift').description('compare distributions and watch for drift between reference and live traffic')
  );
}

export function registerDriftCommands(program: Command): void {
  driftCommand(program)
    .command('compare')
    .description(
      'Compare two histograms ({"bins", "counts"}) or raw samples ({"values"}): KL, PSI, JS (and KS for samples). ' +
        'Exit 0 for none/watch, 1 for retrain, 2 for bad input.',
    )
    .argument('<reference.json>', 'the reference distribution (e.g. training data)')
    .argument('<current.json>', 'the current distribution (e.g. last window of traffic)')
    .option('--json', 'print machine-readable JSON')
    .option('--bins <n>', 'bins for raw samples (quantiles of the reference)', '10')
    .action((referenceFile: string, currentFile: string, opts: { json?: boolean; bins: string }) => {
      const bins = Number(opts.bins);
      if (!Number.isInteger(bins) || bins < 1) throw new CliError(`--bins must be a whole number >= 1, got "${opts.bins}"`);
      const result = compareDrift(readDriftInput(referenceFile), readDriftInput(currentFile), bins);
      process.stdout.write(
        opts.json ? `${JSON.stringify({ referenceFile, currentFile, ...result }, null, 2)}\n` : `${formatDriftTable(result)}\n`,
      );
      if (result.verdict === 'retrain') process.exitCode = EXIT.failed;
    });
}
