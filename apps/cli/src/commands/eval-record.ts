import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { evalResultSchema } from '@lynx/schema';
import { CliError } from '../exit';
import { RegistryClient, parseModelRef } from '../registry-client';
import { short, table } from '../registry/table';

/** Reads and checks an eval result file (what `lynx eval <bundle> --out <file>` writes). */
async function readResult(file: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read the eval result ${file}: ${(err as Error).message}\n  → write one with \`lynx eval <bundle> --out ${file}\``);
  }
  const parsed = evalResultSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`${file} is not an eval result: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * `lynx eval record <model>@<ref> <result.json>`: attaches an evaluation to a registry version
 * (role trainer), as MLflow's `log_metrics` on a run; `lynx costs` and the gate read it.
 */
export function registerEvalRecordCommands(program: Command): void {
  const evalCommand = program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('evaluations');
  evalCommand
    .command('record')
    .description('record an eval result (from `lynx eval <bundle> --out <file>`) on a registry version')
    .argument('<modelRef>', '<model>@<digest|semver|alias>')
    .argument('<file>', 'eval result JSON')
    .option('--json', 'print machine-readable JSON')
    .action(async (modelRef: string, file: string, opts: { json?: boolean }) => {
      const { model, ref } = parseModelRef(modelRef);
      const result = await readResult(file);
      const client = new RegistryClient();
      const version = await client.version(model, ref);
      if (version.digest !== result.model_digest) {
        throw new CliError(`${file} evaluates ${result.model_digest}, but ${modelRef} is ${version.digest}\n  → record it on ${model}@${result.model_digest}`);
      }
      const recorded: Record<string, any> = await client.addEvaluation(model, version.digest, result);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(recorded, null, 2)}\n`
          : table(
              ['MODEL', 'DIGEST', 'EVAL SET', 'N', 'ACCURACY', 'ID'],
              [[model, short(version.digest), short(result.eval_set_digest), result.overall.n, result.overall.accuracy.toFixed(4), recorded.id ?? null]],
            ),
      );
    });
}
