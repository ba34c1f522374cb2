import type { Command } from 'commander';

/** Each command module adds its subcommands to the program. Add one line per module. */
export const COMMANDS: Array<(program: Command) => void> = [];
