import type { Command } from 'commander';
import { registerBundleCommands } from './bundle';
import { registerDataCommands } from './data';
import { registerTutorCommands } from './tutor';
import { registerDriftCommands } from './drift';

/** Each command module adds its subcommands to the program. Add one line per module. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerBundleCommands,
  registerDataCommands,
  registerTutorCommands,
  registerDriftCommands,
];
