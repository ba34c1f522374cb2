import type { Command } from 'commander';
import { registerBundleCommands } from './bundle';
import { registerDataCommands } from './data';
import { registerTutorCommands } from './tutor';
import { registerDriftCommands } from './drift';
import { registerCostsCommands } from './costs';
import { registerRegistryCommands } from './registry';
import { registerGateCommands } from './gate';
import { registerBaselineCommands } from './baseline';
import { registerOnlineCommands } from './online';
import { registerDriftReportCommands } from './drift-reports';
import { registerReplayCommands } from './replay';
import { registerLineageCommands } from './lineage';
import { registerTrafficCommands } from './traffic';
import { registerCanaryCommands } from './canary';
import { registerMlflowCommands } from './mlflow';
import { registerTagCommands } from './tag';
import { registerTrafficSwitchCommands } from './traffic-switch';
import { registerFeedbackCommands } from './feedback';
import { registerEvalRecordCommands } from './eval-record';
import { registerTokenCommands } from './token';
import { registerStatusCommands } from './status';

/** Each command module adds its subcommands to the program. Add one line per module. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerBundleCommands,
  registerDataCommands,
  registerTutorCommands,
  registerDriftCommands,
  registerCostsCommands,
  registerRegistryCommands,
  registerGateCommands,
  registerBaselineCommands,
  registerOnlineCommands,
  registerDriftReportCommands,
  registerReplayCommands,
  registerLineageCommands,
  registerTrafficCommands,
  registerCanaryCommands,
  registerMlflowCommands,
  registerTagCommands,
  registerTrafficSwitchCommands,
  registerFeedbackCommands,
  registerEvalRecordCommands,
  registerTokenCommands,
  registerStatusCommands,
];
