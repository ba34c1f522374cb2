import type { Command } from 'commander';
import { mirrorActions, type LynxModelState } from '@lynx/platform';
import { EXIT } from '../exit';
import { RegistryClient } from '../registry-client';
import { mlflowClient, mlflowCliError } from '../mlflow/tracking-uri';

async function lynxState(model: string): Promise<LynxModelState> {
  const client = new RegistryClient();
  const state: LynxModelState = { versions: [], aliases: {} };
  for (const v of await client.allVersions(model)) {
    state.versions.push({ digest: v.digest, semver: v.semver, ...(v.lineage?.mlflow ? { mlflow: v.lineage.mlflow } : {}) });
    for (const alias of v.aliases ?? []) state.aliases[alias] = v.digest;
  }
  return state;
}

/** `lynx mlflow …`: MLflow as a mirror of Lynx's registry. */
export function registerMlflowCommands(program: Command): void {
  const mlflow = program.command('mlflow').description('MLflow tracking and registry, mirrored from Lynx (LYNX_MLFLOW_TRACKING_URI)');
  mlflow
    .command('check <model>')
    .description('report every MLflow version or alias of <model> that disagrees with Lynx (Lynx is the authority; nothing is changed). Exit 1 on any')
    .option('--json', 'print the disagreements as JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const client = mlflowClient();
      const lynx = await lynxState(model);
      const [registered, versions] = await Promise.all([client.registeredModel(model), client.modelVersions(model)]).catch(mlflowCliError);
      const { disagreements } = mirrorActions(lynx, {
        versions: registered ? versions : [],
        aliases: Object.fromEntries((registered?.aliases ?? []).map((a) => [a.alias, a.version])),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify({ model, agrees: disagreements.length === 0, disagreements }, null, 2)}\n`);
      else if (disagreements.length === 0) process.stdout.write(`MLflow agrees with Lynx on ${model}: ${lynx.versions.length} versions, ${Object.keys(lynx.aliases).length} aliases\n`);
      else process.stdout.write(`MLflow disagrees with Lynx on ${model}:\n${disagreements.map((d) => `  - ${d}`).join('\n')}\n`);
      process.exitCode = disagreements.length ? EXIT.failed : EXIT.ok;
    });
}
