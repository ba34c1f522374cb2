import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type GateEvaluation,
  type GateInputs,
  buildBootstrapVerdict,
  compareToBaseline,
  evaluateAgainstBaseline,
  evaluateEndpoint,
  evaluationVerdict,
  formatBoundLegend,
  formatGateTable,
  formatPowerTable,
  gatePower,
  itemOutcomesDigest,
  loadGateInputs,
  parseModelRef,
  pullCandidate,
} from '@lynx/gate';
import { bundleDigest } from '@lynx/bundle';
import { EvalSetMismatchError, LynxError, SEMVER_RE } from '@lynx/schema';
import { CliError, EXIT } from '../exit';
import { progressBar } from '../gate/progress';
import { gateRegistry } from '../gate/registry';

const DEFAULT_EVAL_SET = 'data/eval/grammar-eval.jsonl';
const DEFAULT_BASELINE = 'eval_baseline.json';

interface EvaluateOpts {
  candidate: string;
  base?: string;
  evalSet: string;
  baseline: string;
  tolerance?: string;
  out?: string;
  endpoint?: string;
  model?: string;
  concurrency: string;
  json?: boolean;
}

interface PromoteOpts {
  semver: string;
  bootstrap?: boolean;
  reason?: string;
  evalSet: string;
  baseline: string;
  tolerance?: string;
  out?: string;
  json?: boolean;
}

function tolerance(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = Number(s);
  if (!(t >= 0 && t <= 1)) throw new CliError(`--tolerance must be a fraction in [0, 1] (0.02 = 2 points), got "${s}"`);
  return t;
}

/** Step 1 of every gate command; a mismatch or unreadable input is exit 2 before anything else. */
async function inputs(evalSet: string, baseline: string): Promise<GateInputs> {
  try {
    return await loadGateInputs(evalSet, baseline);
  } catch (err) {
    if (err instanceof EvalSetMismatchError) throw new CliError(`eval_set_mismatch: ${err.message}`, EXIT.error);
    if (err instanceof LynxError) throw new CliError(`${err.code}: ${err.message}`, EXIT.error);
    throw new CliError(`cannot read the gate's inputs: ${(err as Error).message}`, EXIT.error);
  }
}

async function evaluateCandidate(inp: GateInputs, opts: EvaluateOpts): Promise<GateEvaluation> {
  const tol = tolerance(opts.tolerance);
  const ref = parseModelRef(opts.candidate);
  if (opts.endpoint) {
    if (!opts.model) throw new CliError('--endpoint needs --model (the model name the endpoint serves)');
    const digest = ref ? (await gateRegistry().version(ref.model, ref.ref)).digest : await bundleDigest(opts.candidate);
    const bar = progressBar('evaluate');
    try {
      const result = await evaluateEndpoint(inp.evalSet, { url: opts.endpoint, model: opts.model, modelDigest: digest, token: process.env.LYNX_ENDPOINT_TOKEN, concurrency: Number(opts.concurrency), onProgress: bar.update });
      if (result.errors > 0) process.stderr.write(`lynx: ${result.errors} of ${result.overall.n} requests failed and count as wrong answers\n`);
      const { errors: _errors, ...clean } = result;
      return { ...inp, result: clean, comparison: compareToBaseline(inp, clean, tol ?? inp.baseline.tolerance_pp) };
    } finally {
      bar.stop();
    }
  }
  const bar = progressBar('evaluate');
  try {
    if (!ref) return await evaluateAgainstBaseline(inp, opts.candidate, opts.base, tol, bar.update);
    const pulled = await pullCandidate(gateRegistry(), ref.model, ref.ref);
    try {
      return await evaluateAgainstBaseline(inp, pulled.dir, opts.base ?? pulled.baseDir, tol, bar.update);
    } finally {
      await pulled.cleanup();
    }
  } finally {
    bar.stop();
  }
}

/** The verdict line: PASS, FAIL (gating buckets that fail) or INCONCLUSIVE (gating buckets that cannot tell). */
function verdictLine(e: GateEvaluation): string {
  const d = e.comparison.decision;
  if (d.verdict === 'pass') return 'gate: PASS\n';
  if (d.verdict === 'fail') return `gate: FAIL (${d.failing.join(', ')})\n`;
  return `gate: INCONCLUSIVE (${d.inconclusive.join(', ')}) - the eval set cannot tell these buckets from a drop of the tolerance; not promoted\n`;
}

/** A non-pass ends the command with 1 (fail) or 3 (inconclusive). */
function refusal(e: GateEvaluation, message: string): CliError {
  return new CliError(message, e.comparison.verdict === 'fail' ? EXIT.failed : EXIT.inconclusive);
}

function report(e: GateEvaluation, json: boolean | undefined, extra: Record<string, unknown> = {}): void {
  const d = e.comparison.decision;
  const power = gatePower(e, e.comparison.tolerance);
  const { items, ...candidate } = e.result;
  const out = {
    passed: e.comparison.passed,
    verdict: d.verdict,
    tolerance: e.comparison.tolerance,
    alpha: d.alpha,
    fail_alpha: d.failAlpha,
    fail_alpha_per_bucket: d.failAlphaPerBucket,
    baseline_digest: e.baseline.baseline_digest,
    baseline_file_digest: e.baselineFileDigest,
    baseline_outcomes_digest: e.baseline.outcomes_digest ?? null,
    candidate,
    candidate_outcomes_digest: items ? itemOutcomesDigest(items) : null,
    failing: d.failing,
    inconclusive: d.inconclusive,
    buckets: e.comparison.buckets,
    power,
    ...extra,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  process.stdout.write(`candidate ${e.result.model_digest}\neval set ${e.evalSet.digest} (matches the baseline)\nbaseline  ${e.baseline.baseline_digest}\n`);
  process.stdout.write(formatGateTable(e.comparison.buckets));
  process.stdout.write(formatBoundLegend(e.comparison.tolerance, d.alpha, d.failAlphaPerBucket));
  process.stdout.write(`\npower of the eval set\n${formatPowerTable(power)}\n`);
  process.stdout.write(verdictLine(e));
}

async function writeOut(path: string | undefined, e: GateEvaluation): Promise<void> {
  const gate = { passed: e.comparison.passed, verdict: e.comparison.verdict, tolerance: e.comparison.tolerance, baseline_digest: e.baseline.baseline_digest, buckets: e.comparison.buckets };
  if (path) await writeFile(path, `${JSON.stringify({ ...e.result, gate }, null, 2)}\n`);
}

/** The eval result the registry keeps beside the version: the numbers, without the per-item list. */
const withoutItems = ({ items: _items, ...rest }: GateEvaluation['result']) => rest;

const wrap = (err: unknown): never => {
  if (err instanceof CliError) throw err;
  if (err instanceof LynxError) throw new CliError(`${err.code}: ${err.message}`, EXIT.error);
  throw new CliError((err as Error).message, EXIT.error);
};

/** The options `gate evaluate` and `gate promote` share: inputs, tolerance and output. */
const withGateOptions = (command: Command): Command =>
  command
    .option('--eval-set <path>', 'eval set (.jsonl)', DEFAULT_EVAL_SET)
    .option('--baseline <file>', 'baseline file', DEFAULT_BASELINE)
    .option('--tolerance <fraction>', 'allowed drop per bucket (default: the baseline tolerance_pp)')
    .option('--out <file>', 'write the candidate eval result with the gate table (JSON)')
    .option('--json', 'print the result as JSON');

/**
 * The deploy gate: `lynx gate evaluate` (eval-set check → evaluate → paired per-bucket decision →
 * table with the power section; exit 0 pass, 1 fail, 3 inconclusive, 2 error), `lynx gate
 * promote` (the same, then on a pass record the verdict and promote with it; otherwise record only
 * the refusal) and `lynx gate power` (what the eval set can decide, per bucket).
 */
export function registerGateCommands(program: Command): void {
  const gate = program.command('gate').description('evaluate a candidate against eval_baseline.json and promote it only on a pass');

  withGateOptions(gate.command('evaluate'))
    .description('evaluate a candidate (bundle dir, model@ref, or an OpenAI-compatible endpoint) against the baseline')
    .requiredOption('--candidate <model@ref|dir>', 'registry reference or bundle folder')
    .option('--base <dir>', 'base bundle folder for an adapter given as a folder')
    .option('--endpoint <url>', 'evaluate through an OpenAI-compatible server instead of in process')
    .option('--model <name>', 'model name sent to --endpoint')
    .option('--concurrency <n>', 'requests in flight with --endpoint', '8')
    .action(async (opts: EvaluateOpts) => {
      const inp = await inputs(opts.evalSet, opts.baseline);
      const e = await evaluateCandidate(inp, opts).catch(wrap);
      await writeOut(opts.out, e);
      report(e, opts.json);
      if (!e.comparison.passed) throw refusal(e, `gate: ${e.comparison.verdict} against the baseline`);
    });

  gate
    .command('power')
    .description('per bucket: items, whether it gates, items needed to decide the tolerance, smallest drop detected')
    .option('--eval-set <path>', 'eval set (.jsonl)', DEFAULT_EVAL_SET)
    .option('--baseline <file>', 'baseline file', DEFAULT_BASELINE)
    .option('--tolerance <fraction>', 'allowed drop per bucket (default: the baseline tolerance_pp)')
    .option('--discordance <fraction>', 'assumed share of items an unchanged candidate disagrees on (default: the baseline\'s)')
    .option('--json', 'print the table as JSON')
    .action(async (opts: { evalSet: string; baseline: string; tolerance?: string; discordance?: string; json?: boolean }) => {
      const inp = await inputs(opts.evalSet, opts.baseline);
      const disc = opts.discordance === undefined ? undefined : Number(opts.discordance);
      if (disc !== undefined && !(disc > 0 && disc < 0.5)) throw new CliError(`--discordance must be a fraction in (0, 0.5), got "${opts.discordance}"`);
      let power;
      try {
        power = gatePower(inp, tolerance(opts.tolerance) ?? inp.baseline.tolerance_pp, disc);
      } catch (err) {
        wrap(err);
      }
      if (!power) return;
      if (opts.json) process.stdout.write(`${JSON.stringify(power, null, 2)}\n`);
      else process.stdout.write(`eval set ${inp.evalSet.digest} (${inp.evalSet.items.length} items)\nbaseline ${inp.baseline.baseline_digest}\n${formatPowerTable(power)}`);
    });

  withGateOptions(gate.command('promote <candidate>'))
    .description('evaluate <model@ref>; only on a pass record the verdict and promote it to production with --semver')
    .requiredOption('--semver <vX.Y.Z>', 'semver to give the version')
    .option('--bootstrap', 'start a model line with no production version: record a bootstrap verdict with its own numbers')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action(async (candidate: string, opts: PromoteOpts) => {
      const ref = parseModelRef(candidate);
      if (!ref) throw new CliError(`promote needs a registry reference <model>@<ref>, got "${candidate}"`);
      if (!SEMVER_RE.test(opts.semver)) throw new CliError(`--semver must look like v1.2.3, got "${opts.semver}"`);
      const inp = await inputs(opts.evalSet, opts.baseline);
      const registry = gateRegistry();
      const reason = opts.reason ?? `gate promote ${candidate} ${opts.semver}`;
      if (opts.bootstrap && (await registry.production(ref.model).catch(wrap))) {
        throw new CliError(`--bootstrap is only for a model line with no production version; ${ref.model} has one: promote through the gate`, EXIT.error);
      }
      const e = await evaluateCandidate(inp, { ...opts, candidate, concurrency: '1' }).catch(wrap);
      await writeOut(opts.out, e);
      const digest = e.result.model_digest;
      if (!opts.bootstrap && !e.comparison.passed) {
        // The refusal is the one thing a failed or inconclusive gate writes: the audit log keeps it.
        const refused = await registry.recordMeasuredVerdict(ref.model, evaluationVerdict(ref.model, e), e.result.items).catch(wrap);
        report(e, opts.json, { verdict_id: refused.id, promoted: false });
        throw refusal(e, `gate: ${e.comparison.verdict} against the baseline; ${ref.model}@${digest} not promoted (verdict ${refused.id})`);
      }
      const body = opts.bootstrap ? buildBootstrapVerdict(ref.model, withoutItems(e.result), e.comparison.tolerance) : evaluationVerdict(ref.model, e);
      // With its per-item outcomes, so the registry recomputes the decision (a bootstrap has nothing to compare).
      const verdict = await (opts.bootstrap ? registry.recordVerdict(ref.model, body) : registry.recordMeasuredVerdict(ref.model, body, e.result.items)).catch(wrap);
      await registry.addEvaluation(ref.model, digest, withoutItems(e.result)).catch(wrap);
      const promoted = await registry.promote(ref.model, { digest, semver: opts.semver, verdict_id: verdict.id, reason }).catch(wrap);
      report(e, opts.json, { verdict_id: verdict.id, promoted: true, semver: promoted.semver, bootstrap: !!opts.bootstrap });
      if (!opts.json) process.stdout.write(`promoted ${ref.model}@${digest} as ${opts.semver} (verdict ${verdict.id}${opts.bootstrap ? ', bootstrap' : ''})\n`);
    });
}
