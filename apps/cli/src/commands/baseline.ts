import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_OUTCOMES_PATH, buildBaseline, buildPairedBaseline, parseBaseline, serializeBaseline, withEvalSetDvcHash } from '@lynx/gate';
import { dvcFileMd5 } from '@lynx/bundle';
import { dataDigest } from '@lynx/tutor';
import { type EvalBaseline, evalResultSchema } from '@lynx/schema';
import { CliError } from '../exit';
import { registerBaseline, registerBaselineRegistryCommands } from './baseline-registry';

interface UpdateOpts {
  from?: string;
  model?: string;
  evalSet: string;
  json?: boolean;
  reason: string;
  baseline: string;
  tolerance?: string;
}

async function readPrevious(path: string): Promise<EvalBaseline | undefined> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new CliError(`${path}: ${err.message}`);
  });
  if (text === undefined) return undefined;
  try {
    return parseBaseline(text);
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`);
  }
}

/**
 * `lynx baseline update --from <eval.json> --reason "…"`: writes eval_baseline.json from an eval
 * result (`lynx eval --out` or `lynx gate evaluate --out`), keeping the old baseline_digest as
 * previous_baseline_digest. The reason is printed for the commit that carries the new file.
 * `--model <name>` registers the (new or committed) baseline in the registry, the one the registry
 * recomputes verdicts against; `lynx baseline show|history <model>` read it back.
 */
export function registerBaselineCommands(program: Command): void {
  const baseline = program.command('baseline').description('the committed eval baseline (eval_baseline.json)');
  baseline
    .command('update')
    .description('write a new eval_baseline.json from an eval result, chaining the previous baseline digest')
    .option('--from <file>', 'eval result JSON (lynx eval --out / lynx gate evaluate --out); without it the file is registered as it is')
    .option('--model <name>', "also register the baseline in the registry as the model's current one (role ci or admin)")
    .option('--eval-set <file>', 'eval set the baseline was measured on (for --model)', 'data/eval/grammar-eval.jsonl')
    .option('--json', 'print the registered baseline as JSON (with --model)')
    .requiredOption('--reason <text>', 'why the baseline moves (goes into the commit message)')
    .option('--baseline <file>', 'baseline file to write', 'eval_baseline.json')
    .option('--tolerance <fraction>', 'allowed drop per bucket (default: the previous tolerance, else 0.02)')
    .action(async (opts: UpdateOpts) => {
      if (opts.reason.trim() === '') throw new CliError('--reason must not be empty');
      if (!opts.from && !opts.model) throw new CliError('give --from <eval.json> to write the baseline file, --model <name> to register it, or both');
      if (opts.from) await writeBaselineFile(opts as UpdateOpts & { from: string });
      if (opts.model) await registerBaseline(opts.model, { reason: opts.reason, baseline: opts.baseline, evalSet: opts.evalSet, json: opts.json });
    });
  registerBaselineRegistryCommands(baseline);
}

async function writeBaselineFile(opts: UpdateOpts & { from: string }): Promise<void> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(opts.from, 'utf8'));
  } catch (err) {
    throw new CliError(`${opts.from}: ${(err as Error).message}`);
  }
  const { gate: _gate, ...resultOnly } = raw;
  const parsed = evalResultSchema.safeParse(resultOnly);
  if (!parsed.success) throw new CliError(`${opts.from}: not an eval result: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const previous = await readPrevious(opts.baseline);
  const tol = opts.tolerance === undefined ? (previous?.tolerance_pp ?? 0.02) : Number(opts.tolerance);
  if (!(tol >= 0 && tol <= 1)) throw new CliError(`--tolerance must be a fraction in [0, 1], got "${opts.tolerance}"`);
  let next = buildBaseline(parsed.data, tol, previous);
  if (parsed.data.items) {
    // The paired gate compares item by item: keep the model's outcomes beside the baseline, by digest.
    const paired = buildPairedBaseline(parsed.data, tol, previous, DEFAULT_OUTCOMES_PATH);
    const outcomesFile = join(dirname(opts.baseline), DEFAULT_OUTCOMES_PATH);
    await mkdir(dirname(outcomesFile), { recursive: true });
    await writeFile(`${outcomesFile}.${process.pid}.tmp`, paired.outcomesText);
    await rename(`${outcomesFile}.${process.pid}.tmp`, outcomesFile);
    next = paired.baseline;
  } else {
    process.stderr.write(`lynx: ${opts.from} has no per-item outcomes; the gate cannot compare against this baseline item by item. Use \`lynx gate evaluate --out\`.\n`);
  }
  // Record the eval set's DVC md5 when the file given is the one measured (same digest).
  const evalSetDigest = await dataDigest(opts.evalSet).catch(() => undefined);
  if (evalSetDigest === next.eval_set_digest) next = withEvalSetDvcHash(next, (await dvcFileMd5(opts.evalSet)).md5);
  const temp = `${opts.baseline}.${process.pid}.tmp`;
  await writeFile(temp, serializeBaseline(next));
  await rename(temp, opts.baseline);
  process.stdout.write(
    `wrote ${opts.baseline} ${next.baseline_digest} (previous ${next.previous_baseline_digest ?? 'none'}; model ${parsed.data.model_digest}; eval set ${next.eval_set_digest})\nreason: ${opts.reason}\n`,
  );
}
