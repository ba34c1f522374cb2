import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { bundleDigest } from '@lynx/bundle';
import { wilsonInterval } from '@lynx/math';
import { type EvalResult, evalResultSchema } from '@lynx/schema';
import { DEFAULT_SEED, dataDigest, evaluate, isVariant, loadModel, readItems, runRecordPath, runTraining } from '@lynx/tutor';
import { LineageEmitter, OPENLINEAGE_URL_VARIABLE } from '@lynx/platform';
import { CliError } from '../exit';
import { logTrainingRun } from '../mlflow/log-training-run';
import { MLFLOW_TRACKING_URI_VARIABLE } from '../mlflow/tracking-uri';
import { RegistryClient } from '../registry-client';
import { pushBundle } from '../registry/transfer';
import { reportKeptTags } from './registry';

const DEFAULT_EVAL_SET = 'data/eval/grammar-eval.jsonl';

interface TrainOpts {
  corpus: string;
  variant: string;
  out: string;
  seed: string;
  base?: string;
  push?: boolean;
  mlflow?: boolean;
  mlflowExperiment: string;
  model: string;
}

interface EvalOpts {
  evalSet: string;
  base?: string;
  json?: boolean;
  out?: string;
}

/**
 * The grammar-tutor workload: `lynx train` runs one training run into a bundle folder and
 * writes `<out>.run.json` beside it (the lineage); `lynx eval` scores a bundle per bucket.
 */
export function registerTutorCommands(program: Command): void {
  program
    .command('train')
    .description('train a grammar-tutor variant into a bundle folder; prints the bundle digest')
    .requiredOption('--corpus <path>', 'training corpus folder or .jsonl file', 'data/corpus')
    .requiredOption('--variant <variant>', 'base | lora | int8 | regressed')
    .requiredOption('--out <dir>', 'bundle folder to write (run.json goes beside it)')
    .option('--seed <n>', 'seed of the dev split', String(DEFAULT_SEED))
    .option('--base <dir>', 'base bundle (required for lora: the adapter names its digest)')
    .option('--push', 'register the bundle in the registry after training (as `lynx push <out> --model <model>`)')
    .option('--model <name>', 'logical model to push to', 'grammar-tutor')
    .option('--mlflow', 'also log the run to MLflow (LYNX_MLFLOW_TRACKING_URI; on by default when it is set)')
    .option('--no-mlflow', 'do not log to MLflow even when LYNX_MLFLOW_TRACKING_URI is set')
    .option('--mlflow-experiment <name>', 'MLflow experiment of the run', 'grammar-tutor')
    .action(async (opts: TrainOpts) => {
      if (!isVariant(opts.variant)) throw new CliError(`unknown variant "${opts.variant}" (base, lora, int8, regressed)`);
      const variant = opts.variant;
      const seed = Number(opts.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError(`--seed must be a non-negative integer, got "${opts.seed}"`);
      if (opts.variant === 'lora' && !opts.base) throw new CliError('--variant lora is an adapter: pass --base <base bundle dir>');
      const bar = process.stderr.isTTY
        ? new SingleBar({ stream: process.stderr, format: `train ${opts.variant} [{bar}] {percentage}% | {value}/{total} items`, clearOnComplete: true }, Presets.shades_classic)
        : undefined;
      let started = false;
      try {
        const lineage = new LineageEmitter(process.env[OPENLINEAGE_URL_VARIABLE], process.env.LYNX_NAMESPACE || 'lynx', (err) =>
          process.stderr.write(`warning: OpenLineage event not sent (${err.message})\n`),
        );
        const record = await lineage.run(
          'train',
          { inputs: [{ namespace: 'lynx-data', name: opts.corpus, type: 'FILE' }], details: { variant: opts.variant, seed } },
          () =>
            runTraining({
              corpus: opts.corpus,
              variant,
              out: opts.out,
              seed,
              base: opts.base,
              onProgress: (done, total) => {
                if (bar && !started) bar.start(total, 0);
                started = true;
                bar?.update(done);
              },
            }),
          (r) => ({
            inputs: [{ namespace: 'lynx-data', name: r.data.path, version: r.data.dvc?.md5 ?? r.data.digest, type: 'FILE' }],
            outputs: [{ namespace: 'lynx-bundles', name: opts.out, version: r.bundle_digest, type: 'MODEL' }],
            details: { run_id: r.run_id, dev_accuracy: r.metrics.dev.accuracy, parent_digest: r.parent_digest },
          }),
        );
        bar?.stop();
        const dev = record.metrics.dev;
        process.stderr.write(`dev accuracy ${dev.accuracy.toFixed(4)} (n=${dev.n}); run ${record.run_id} → ${runRecordPath(opts.out)}\n`);
        if (opts.mlflow ?? Boolean(process.env[MLFLOW_TRACKING_URI_VARIABLE])) {
          const logged = await logTrainingRun(record, opts.out, opts.mlflowExperiment);
          process.stderr.write(`MLflow run ${logged.runId} (experiment ${logged.experimentId}); push it with: lynx push --mlflow-run ${logged.runId} --model <name>\n`);
        }
        if (opts.push) {
          const { digest, differing } = await pushBundle(new RegistryClient(), opts.out, { model: opts.model });
          process.stderr.write(`pushed ${opts.model}@${digest}\n`);
          reportKeptTags(opts.model, digest, differing);
        }
        process.stdout.write(`${record.bundle_digest}\n`);
      } catch (err) {
        bar?.stop();
        if (err instanceof CliError) throw err;
        throw new CliError(`train failed: ${(err as Error).message}`);
      }
    });

  program
    .command('eval <bundle>')
    .description('evaluate a tutor bundle on the eval set: accuracy per bucket with Wilson 95% intervals')
    .option('--eval-set <path>', 'eval set (.jsonl)', DEFAULT_EVAL_SET)
    .option('--base <dir>', 'base bundle, for an adapter (lora)')
    .option('--json', 'print the eval result as JSON')
    .option('--out <file>', 'also write the eval result JSON to a file')
    .action(async (bundle: string, opts: EvalOpts) => {
      const result = await evalBundle(bundle, opts);
      const json = `${JSON.stringify(result, null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, json);
      process.stdout.write(opts.json ? json : formatTable(result));
    });
}

async function evalBundle(bundle: string, opts: EvalOpts): Promise<EvalResult> {
  let model;
  let items;
  try {
    model = await loadModel(bundle, opts.base);
    items = await readItems(opts.evalSet);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const scored = evaluate(model, items);
  return evalResultSchema.parse({
    model_digest: await bundleDigest(bundle),
    eval_set_digest: await dataDigest(opts.evalSet),
    variant: model.config.params.variant,
    overall: scored.overall,
    buckets: scored.buckets,
    created_at: new Date().toISOString(),
  });
}

function formatTable(result: EvalResult): string {
  const rows: string[][] = [['bucket', 'n', 'accuracy', 'wilson 95%']];
  const row = (name: string, b: { n: number; passed: number; accuracy: number }) => {
    const ci = b.n > 0 ? wilsonInterval(b.passed, b.n) : undefined;
    rows.push([name, String(b.n), b.accuracy.toFixed(4), ci ? `[${ci.lower.toFixed(3)}, ${ci.upper.toFixed(3)}]` : '-']);
  };
  row('overall', result.overall);
  for (const [name, b] of Object.entries(result.buckets)) row(name, b);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  return `model ${result.model_digest} (${result.variant})\neval set ${result.eval_set_digest}\n${lines.join('\n')}\n`;
}
