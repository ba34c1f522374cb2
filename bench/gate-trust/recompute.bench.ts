// What the registry's recomputation of a verdict costs on the committed eval set: the body sizes a
// baseline registration and a verdict carry, and the time of the one pure decision it runs per
// verdict (record) and per promote. A candidate that flips one item in 50 stands in for real data.
//   npm run bench:gate-trust
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketSpecsFromItems, decidePairedGate, GATE_PASS_ALPHA, parseBaseline, parseItemOutcomes } from '@lynx/gate';

const root = join(__dirname, '..', '..');
const RUNS = 30;

function main(): void {
  const baseline = parseBaseline(readFileSync(join(root, 'eval_baseline.json'), 'utf8'));
  if (!baseline.outcomes_path) throw new Error('eval_baseline.json names no outcomes_path');
  const items = parseItemOutcomes(readFileSync(join(root, baseline.outcomes_path), 'utf8'));
  const evalItems = readFileSync(join(root, 'data/eval/grammar-eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const specs = bucketSpecsFromItems(evalItems, baseline);
  const alpha = baseline.alpha ?? GATE_PASS_ALPHA;
  const registration = JSON.stringify({ items, buckets: specs.map((b) => ({ name: b.name, item_ids: b.itemIds, gating: b.gating })) });
  const candidate = items.map((o, i) => ({ id: o.id, correct: i % 50 === 0 ? !o.correct : o.correct }));
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    decidePairedGate({ baseline: items, candidate, buckets: specs, tolerance: baseline.tolerance_pp, alpha });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const ms = (q: number) => times[Math.min(RUNS - 1, Math.floor(q * RUNS))].toFixed(1);
  process.stdout.write(
    [
      `eval items ${items.length}, buckets ${specs.length} (${specs.filter((b) => b.gating).length} gating)`,
      `baseline registration body ${(registration.length / 1e6).toFixed(2)} MB, verdict outcomes ${(JSON.stringify(candidate).length / 1e6).toFixed(2)} MB`,
      `recompute (decidePairedGate) over ${RUNS} runs: min ${ms(0)} ms, median ${ms(0.5)} ms, p90 ${ms(0.9)} ms`,
      '',
    ].join('\n'),
  );
}

main();
