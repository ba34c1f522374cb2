import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvalSetMismatchError } from '@lynx/schema';
import { baselineDigest, parseBaseline, serializeBaseline, withEvalSetDvcHash } from './baseline';
import { checkEvalSet } from './evaluate';

// eval_baseline.json's eval_set_dvc_hash: additive to the baseline's digest rules, and checked by the gate.
const text = readFileSync(join(__dirname, '../../../eval_baseline.json'), 'utf8');

describe('eval_set_dvc_hash in the baseline', () => {
  const committed = parseBaseline(text);

  it('is recorded in the committed baseline and joins its content digest', () => {
    expect(committed.eval_set_dvc_hash).toMatch(/^[0-9a-f]{32}$/);
    const { eval_set_dvc_hash: _dvc, ...without } = committed;
    // Without the field the content is the previous baseline's: older baselines keep their digests.
    expect(baselineDigest(without)).toBe(committed.previous_baseline_digest);
    expect(withEvalSetDvcHash({ ...without, baseline_digest: baselineDigest(without) }, committed.eval_set_dvc_hash!).baseline_digest).toBe(committed.baseline_digest);
    expect(serializeBaseline(committed)).toBe(text);
  });

  it('a hand edit of the DVC hash is caught by the digest', () => {
    const edited = text.replace(committed.eval_set_dvc_hash!, '0'.repeat(32));
    expect(() => parseBaseline(edited)).toThrow(/edited by hand/);
  });

  it('the gate stops on a DVC hash mismatch before the digest, and passes a match', () => {
    const evalSet = { path: 'data/eval/grammar-eval.jsonl', digest: committed.eval_set_digest, dvcMd5: 'f'.repeat(32) };
    expect(() => checkEvalSet(evalSet, committed)).toThrow(EvalSetMismatchError);
    expect(() => checkEvalSet(evalSet, committed)).toThrow(/has DVC hash f{32}, but the baseline was measured on DVC hash/);
    expect(() => checkEvalSet({ ...evalSet, dvcMd5: committed.eval_set_dvc_hash }, committed)).not.toThrow();
  });
});
