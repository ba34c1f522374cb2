import type { RegistryChild } from './registry-child';

/**
 * Records a passing gate verdict for `digest` as the ci role, as the gate would after an
 * evaluation: plans that put a version in front of users (canary, A/B, blue/green) need one.
 * Returns the verdict's id.
 */
export async function recordPassingVerdict(registry: Pick<RegistryChild, 'call'>, model: string, digest: string): Promise<string> {
  const res = await registry.call(
    'POST',
    `/v1/models/${model}/verdicts`,
    {
      kind: 'gate',
      model,
      candidate_digest: digest,
      baseline_file_digest: 'sha256:' + 'b'.repeat(64),
      eval_set_digest: 'sha256:' + 'e'.repeat(64),
      tolerance_pp: 0.02,
      passed: true,
      buckets: [],
      created_at: new Date().toISOString(),
    },
    'ci',
  );
  if (res.status !== 201) throw new Error(`recording a verdict for ${digest} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
