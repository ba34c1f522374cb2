import type { Command } from 'commander';
import { CliError } from '../exit';
import { formatPlan, router } from './traffic';
import { trafficCommand } from './traffic-group';

/**
 * `lynx traffic switch <model>`: a blue/green plan's preview becomes active and the active one
 * becomes the preview, in one plan change (so switching again goes back), as Argo Rollouts'
 * `promote` of a blue/green rollout. The refs are swapped as written (an alias stays an alias).
 */
export function registerTrafficSwitchCommands(program: Command): void {
  trafficCommand(program)
    .command('switch')
    .description('blue/green: make the preview version active and the active one the preview (role operator)')
    .argument('<model>', 'logical model, e.g. grammar-tutor')
    .option('--reason <text>', 'why (kept in the registry\'s history)', 'blue/green switch')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, opts: { reason: string; json?: boolean }) => {
      const path = `/v1/traffic/${encodeURIComponent(model)}`;
      const current = await router('GET', path);
      if (current.plan?.strategy !== 'bluegreen') {
        throw new CliError(
          `${model} runs a ${current.plan?.strategy ?? 'missing'} plan, not blue/green\n  → set one first: lynx traffic set ${model} --strategy bluegreen --active <ref> --preview <ref>`,
        );
      }
      const plan = { strategy: 'bluegreen', active: current.plan.preview, preview: current.plan.active };
      const view = await router('PUT', path, { plan, reason: opts.reason });
      process.stdout.write(opts.json ? `${JSON.stringify(view, null, 2)}\n` : `${formatPlan(view)}\n`);
    });
}
