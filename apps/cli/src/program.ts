import { Command } from 'commander';
import { COMMANDS } from './commands';

export function buildProgram(): Command {
  const program = new Command('lynx')
    .description('Lynx: registry, gate, router, drift and cost for a served model')
    .showHelpAfterError('(run `lynx --help` for usage)');
  for (const register of COMMANDS) register(program);
  return program;
}
