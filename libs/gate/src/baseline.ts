import { createHash } from 'node:crypto';
import { canonicalJson } from '@lynx/tutor';
import { type EvalBaseline, type EvalResult, evalBaselineSchema } from '@lynx/schema';

const PAIRED_FIELDS = ['eval_set_dvc_hash', 'outcomes_path', 'outcomes_digest', 'gating', 'report_only', 'alpha', 'fail_alpha', 'discordance'] as const;
type PairedField = (typeof PAIRED_FIELDS)[number];

const sha256 = (text: string | Buffer) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * The identity of a baseline's content: `sha256:` + hex SHA-256 of the canonical JSON (keys
 * sorted at every level, no whitespace, one trailing newline — @lynx/tutor canonicalJson) of
 * `{buckets, eval_set_digest, tolerance_pp}`. It ignores the digest fields themselves and any
 * formatting, so the same measurements always have the same baseline_digest.
 */
export function baselineDigest(b: Pick<EvalBaseline, 'buckets' | 'eval_set_digest' | 'tolerance_pp'> & Partial<Pick<EvalBaseline, PairedField>>): string {
  const content: Record<string, unknown> = { buckets: b.buckets, eval_set_digest: b.eval_set_digest, tolerance_pp: b.tolerance_pp };
  // The paired gate's fields and the DVC hash join the digest when present, so older baselines keep their digest.
  for (const k of PAIRED_FIELDS) if (b[k] !== undefined) content[k] = b[k];
  return sha256(canonicalJson(content));
}

/**
 * The "baseline file digest" a verdict records: `sha256:` + hex SHA-256 of eval_baseline.json's
 * bytes exactly as read, so a verdict names the very file the gate compared against (including
 * its previous_baseline_digest link), not just equal numbers.
 */
export function baselineFileDigest(bytes: string | Buffer): string {
  return sha256(bytes);
}

/** The file text: 2-space JSON with a trailing newline, keys in schema order, buckets sorted. */
export function serializeBaseline(b: EvalBaseline): string {
  const buckets: EvalBaseline['buckets'] = {};
  for (const name of Object.keys(b.buckets).sort()) buckets[name] = { accuracy: b.buckets[name].accuracy, n: b.buckets[name].n };
  const ordered: EvalBaseline = {
    eval_set_digest: b.eval_set_digest,
    ...(b.eval_set_dvc_hash === undefined ? {} : { eval_set_dvc_hash: b.eval_set_dvc_hash }),
    baseline_digest: b.baseline_digest,
    previous_baseline_digest: b.previous_baseline_digest,
    tolerance_pp: b.tolerance_pp,
    buckets,
  };
  for (const k of PAIRED_FIELDS) if (b[k] !== undefined && k !== 'eval_set_dvc_hash') (ordered as Record<string, unknown>)[k] = b[k];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parses and checks eval_baseline.json: the schema, and that baseline_digest matches the content. */
export function parseBaseline(text: string): EvalBaseline {
  const baseline = evalBaselineSchema.parse(JSON.parse(text));
  const expected = baselineDigest(baseline);
  if (baseline.baseline_digest !== expected) {
    throw new Error(`baseline_digest ${baseline.baseline_digest} does not match the baseline's content (${expected}); it was edited by hand`);
  }
  return baseline;
}

/**
 * A new baseline from an eval result: its buckets (accuracy, n) and eval-set digest; the
 * previous baseline's digest is kept as previous_baseline_digest (null for the first one).
 */
export function buildBaseline(result: EvalResult, tolerance: number, previous?: EvalBaseline, paired?: Pick<EvalBaseline, PairedField>): EvalBaseline {
  const buckets: EvalBaseline['buckets'] = {};
  for (const name of Object.keys(result.buckets).sort()) buckets[name] = { accuracy: result.buckets[name].accuracy, n: result.buckets[name].n };
  const content = { eval_set_digest: result.eval_set_digest, tolerance_pp: tolerance, buckets, ...paired };
  return evalBaselineSchema.parse({
    eval_set_digest: content.eval_set_digest,
    baseline_digest: baselineDigest(content),
    previous_baseline_digest: previous ? previous.baseline_digest : null,
    tolerance_pp: tolerance,
    buckets,
    ...paired,
  });
}

/**
 * A freshly built baseline with the eval set's DVC md5 recorded (`eval_set_dvc_hash`), so the
 * deploy workflow can assert it against dvc.lock and the gate against the file. The hash joins the
 * content digest; the link to the previous baseline is kept as built.
 */
export function withEvalSetDvcHash(b: EvalBaseline, dvcMd5: string): EvalBaseline {
  if (b.eval_set_dvc_hash === dvcMd5) return b;
  const next = { ...b, eval_set_dvc_hash: dvcMd5 };
  return evalBaselineSchema.parse({ ...next, baseline_digest: baselineDigest(next) });
}
