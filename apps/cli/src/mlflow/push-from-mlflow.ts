import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBundlePath } from '@lynx/bundle';
import { parseMlflowRef, resolveMlflowRef, type MlflowRun } from '@lynx/platform';
import type { RegistryClient } from '../registry-client';
import { pushBundle, type PushOptions } from '../registry/transfer';
import { mlflowClient, mlflowCliError } from './tracking-uri';

export interface MlflowPushResult {
  digest: string;
  runId?: string;
  /** digests this run was registered as before, when its artifacts have changed since */
  previous: string[];
  alreadyRegistered: boolean;
}

const latest = (run: MlflowRun) => {
  const out: Record<string, number> = {};
  for (const m of run.data.metrics ?? []) out[m.key] = m.value;
  return out;
};

/** Lineage data from the run's dataset inputs that name a Lynx digest (as `lynx train --mlflow` logs them). */
function dataInputs(run: MlflowRun) {
  const data: Array<{ name: string; digest: string; uri?: string; dvc?: { md5: string; size: number; nfiles?: number } }> = [];
  const foreign: Record<string, string> = {};
  for (const input of run.inputs?.dataset_inputs ?? []) {
    const d = input.dataset;
    try {
      const source = JSON.parse(d.source) as { path?: string; lynx_digest?: string; dvc_md5?: string; size?: number; nfiles?: number };
      if (source.lynx_digest?.startsWith('sha256:')) {
        data.push({
          name: d.name,
          digest: source.lynx_digest,
          ...(source.path ? { uri: source.path } : {}),
          ...(source.dvc_md5 ? { dvc: { md5: source.dvc_md5, size: source.size ?? 0, ...(source.nfiles !== undefined ? { nfiles: source.nfiles } : {}) } } : {}),
        });
        continue;
      }
    } catch {
      /* a dataset logged by another tool: its source is not Lynx's JSON */
    }
    foreign[`mlflow.dataset.${d.name}`] = d.digest;
  }
  return { data, foreign };
}

/**
 * `lynx push --mlflow-run <ref>`: downloads the artifacts through the tracking server's artifact
 * proxy into a temporary folder, computes the canonical digest and registers the version with the
 * run's lineage (run and experiment, params, metrics, commit, data inputs). Pushing the same run
 * twice registers nothing new; a run whose artifacts changed registers a new digest and says so.
 */
export async function pushFromMlflow(registry: RegistryClient, ref: string, artifactPath: string, opts: PushOptions): Promise<MlflowPushResult> {
  const client = mlflowClient();
  const dir = await mkdtemp(join(tmpdir(), 'lynx-mlflow-push-'));
  try {
    const parsed = parseMlflowRef(ref, artifactPath);
    const { artifactUri, runId } = await resolveMlflowRef(client, parsed).catch(mlflowCliError);
    const files = await client.listArtifactTree(artifactUri).catch(mlflowCliError);
    if (files.length === 0) throw new Error(`MLflow has no files under ${artifactUri}; pass --artifact-path with the folder the model was logged to`);
    const bundle = join(dir, 'bundle');
    for (const f of files) {
      validateBundlePath(f.path); // a hostile server's "../x" never leaves the folder
      await client.downloadArtifact(artifactUri, f.path, join(bundle, f.path)).catch(mlflowCliError);
    }
    const run = runId ? await client.getRun(runId).catch(mlflowCliError) : undefined;
    const tags = Object.fromEntries((run?.data.tags ?? []).map((t) => [t.key, t.value]));
    const previous = runId ? await registeredFromRun(registry, opts.model, runId) : [];
    const { data, foreign } = run ? dataInputs(run) : { data: [], foreign: {} };
    const pushed = await pushBundle(registry, bundle, {
      ...opts,
      commit: opts.commit ?? tags['mlflow.source.git.commit'],
      runId: opts.runId ?? runId,
      param: [...(opts.param ?? []), ...(run?.data.params ?? []).map((p) => `${p.key}=${p.value}`), ...Object.entries(foreign).map(([k, v]) => `${k}=${v}`)],
      tag: [...(opts.tag ?? []), ...(runId ? [`mlflow.run_id=${runId}`] : []), `mlflow.artifact_uri=${artifactUri}`],
      parent: opts.parent ?? (tags['lynx.parent_digest'] || undefined),
      extra: {
        data,
        metrics: run ? latest(run) : {},
        ...(run && runId ? { mlflow: { run_id: runId, experiment_id: run.info.experiment_id, artifact_uri: artifactUri } } : {}),
      },
    });
    return { digest: pushed.digest, runId, previous: previous.filter((d) => d !== pushed.digest), alreadyRegistered: previous.includes(pushed.digest) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function registeredFromRun(registry: RegistryClient, model: string, runId: string): Promise<string[]> {
  try {
    const page = await registry.versions(model, { tag: `mlflow.run_id=${runId}`, limit: 100 });
    return page.items.map((v) => v.digest);
  } catch {
    return []; // a model not registered yet
  }
}
