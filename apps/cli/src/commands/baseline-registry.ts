import type { Command } from 'commander';
import { GATE_PASS_ALPHA, bucketSpecsFromItems, loadBaselineOutcomes, loadGateInputs } from '@lynx/gate';
import type { BaselineUpdateRequest } from '@lynx/schema';
import { CliError } from '../exit';
import { RegistryClient } from '../registry-client';
import { short, table } from '../registry/table';

const out = (text: string): void => void process.stdout.write(`${text}\n`);


/**
 * The registration body of a committed baseline: its per-item outcomes (checked against the
 * outcomes_digest it names), the eval set's buckets by item id, which of them gate, tolerance and
 * alpha. The registry recomputes every verdict against exactly this.
 */
export async function baselineRegistration(baselinePath: string, evalSetPath: string, reason: string): Promise<BaselineUpdateRequest> {
  const inputs = await loadGateInputs(evalSetPath, baselinePath);
  const items = await loadBaselineOutcomes(inputs.baseline, baselinePath);
  const buckets = bucketSpecsFromItems(inputs.evalSet.items, inputs.baseline);
  if (!buckets.some((b) => b.gating)) throw new CliError(`${baselinePath} names no gating bucket; regenerate it with \`npm run data:baseline\``);
  return {
    eval_set_digest: inputs.baseline.eval_set_digest,
    tolerance: inputs.baseline.tolerance_pp,
    alpha: inputs.baseline.alpha ?? GATE_PASS_ALPHA,
    items,
    buckets: buckets.map((b) => ({ name: b.name, item_ids: b.itemIds, gating: b.gating })),
    reason,
  };
}

interface RegisterOpts {
  reason: string;
  baseline: string;
  evalSet: string;
  json?: boolean;
}

/** Registers the committed baseline as the model's current one (role ci or admin); prints what moved. */
export async function registerBaseline(model: string, opts: RegisterOpts): Promise<void> {
  const body = await baselineRegistration(opts.baseline, opts.evalSet, opts.reason);
  const client = new RegistryClient();
  const res = await client.postBaseline<{ digest: string; previous_digest: string | null; actor: string; buckets: Array<{ gating: boolean }> }>(model, body);
  if (opts.json) return out(JSON.stringify(res, null, 2));
  const gating = res.buckets.filter((b) => b.gating).length;
  out(`baseline of ${model}: ${res.previous_digest ?? '(none)'} → ${res.digest}\n  ${body.items.length} items, ${gating} gating of ${res.buckets.length} buckets, tolerance ${body.tolerance}, alpha ${body.alpha}; by ${res.actor}`);
}

/** `lynx baseline show|history <model>`, and the registration step of `lynx baseline update --model`. */
export function registerBaselineRegistryCommands(baseline: Command): void {
  baseline
    .command('show <model>')
    .description("the model's current registered baseline (the one the registry recomputes verdicts against)")
    .option('--json', 'the record as JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const b = await new RegistryClient().baseline<any>(model);
      if (opts.json) return out(JSON.stringify(b, null, 2));
      const gating = b.buckets.filter((x: { gating: boolean }) => x.gating).map((x: { name: string }) => x.name);
      out(
        [
          `baseline ${b.digest}`,
          `  previous   ${b.previous_digest ?? '(none)'}`,
          `  eval set   ${b.eval_set_digest}`,
          `  outcomes   ${b.outcomes_digest}`,
          `  tolerance  ${b.tolerance}   alpha ${b.alpha}`,
          `  gating     ${gating.length} of ${b.buckets.length} buckets: ${gating.join(', ')}`,
          `  by         ${b.actor} (${b.role}) at ${b.at}: ${b.reason}`,
        ].join('\n'),
      );
    });

  baseline
    .command('history <model>')
    .description("every registered baseline of the model, oldest first: who, when, why")
    .option('--json', 'the records as JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const baselines = await new RegistryClient().baselines<any>(model);
      if (opts.json) return out(JSON.stringify(baselines, null, 2));
      out(table(['AT', 'DIGEST', 'PREVIOUS', 'TOLERANCE', 'BY', 'ROLE', 'REASON'], baselines.map((b) => [b.at, short(b.digest), short(b.previous_digest), b.tolerance, b.actor, b.role, b.reason])));
    });
}
