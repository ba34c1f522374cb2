import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { walkBundle, dvcHashOf } from '@lynx/bundle';
import type { MlflowKeyValue, MlflowMetric } from '@lynx/platform';
import type { RunRecord } from '@lynx/tutor';
import { mlflowClient, mlflowCliError, mlflowKey } from './tracking-uri';

async function gitTags(): Promise<MlflowKeyValue[]> {
  const git = async (...args: string[]) => (await promisify(execFile)('git', args, { timeout: 5000 })).stdout.trim();
  const tags: MlflowKeyValue[] = [];
  try {
    tags.push({ key: 'mlflow.source.git.commit', value: await git('rev-parse', 'HEAD') });
    tags.push({ key: 'mlflow.source.git.branch', value: await git('rev-parse', '--abbrev-ref', 'HEAD') });
    tags.push({ key: 'mlflow.source.git.dirty', value: String((await git('status', '--porcelain')).length > 0) });
    const remote = await git('remote', 'get-url', 'origin').catch(() => '');
    if (remote) tags.push({ key: 'mlflow.source.git.repoURL', value: remote });
  } catch {
    /* not a git checkout: no source tags */
  }
  return tags;
}

/**
 * Logs one `lynx train` run to MLflow as an MLflow user expects to find it: params, dev metrics
 * (overall and per bucket), the standard source tags, the training data as a dataset input named
 * by its DVC hash (with Lynx's digest beside it), and the bundle as the run's artifacts under
 * `model/`. Returns the MLflow run id.
 */
export async function logTrainingRun(record: RunRecord, bundleDir: string, experiment: string): Promise<{ runId: string; experimentId: string }> {
  const client = mlflowClient();
  try {
    const experimentId = await client.experimentId(experiment);
    const run = await client.createRun(experimentId, `${record.variant}-${record.run_id.slice(0, 8)}`, [
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.source.name', value: 'lynx train' },
      { key: 'mlflow.user', value: process.env.USER || 'lynx' },
      ...(await gitTags()),
      { key: 'lynx.run_id', value: record.run_id },
      { key: 'lynx.digest', value: record.bundle_digest },
      { key: 'lynx.variant', value: record.variant },
      ...(record.parent_digest ? [{ key: 'lynx.parent_digest', value: record.parent_digest }] : []),
    ]);
    const runId = run.info.run_id;
    const now = Date.now();
    const metric = (key: string, value: number): MlflowMetric => ({ key: mlflowKey(key), value, timestamp: now, step: 0 });
    const metrics = [
      metric('dev_accuracy', record.metrics.dev.accuracy),
      metric('dev_items', record.metrics.dev_items),
      metric('train_items', record.metrics.train_items),
      metric('train_seconds', record.metrics.train_seconds),
      ...Object.entries(record.metrics.dev_buckets ?? {}).map(([bucket, r]) => metric(`dev_accuracy.${bucket}`, r.accuracy)),
    ];
    const params = Object.entries(record.params).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }));
    await client.logBatch(runId, { metrics, params });
    const dvc = await dvcHashOf(record.data.path);
    await client.logInputs(runId, [
      {
        context: 'training',
        dataset: {
          name: record.data.path,
          digest: dvc.md5,
          source_type: 'dvc',
          source: JSON.stringify({ path: record.data.path, lynx_digest: record.data.digest, dvc_md5: dvc.md5, size: dvc.size, nfiles: dvc.nfiles }),
        },
      },
    ]);
    for (const file of await walkBundle(bundleDir)) await client.uploadArtifact(run.info.artifact_uri, `model/${file.path}`, file.absolutePath);
    await client.finishRun(runId);
    return { runId, experimentId };
  } catch (err) {
    mlflowCliError(err);
  }
}
