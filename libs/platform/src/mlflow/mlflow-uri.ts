import type { MlflowClient } from './mlflow-client';
import { MlflowError } from './mlflow-error';

/** What `lynx push --mlflow-run` accepts: a bare run id, `runs:/<id>/<path>`, `models:/<name>@<alias>` or `models:/<name>/<version>`. */
export type MlflowModelRef =
  | { kind: 'run'; runId: string; path: string }
  | { kind: 'alias'; name: string; alias: string }
  | { kind: 'version'; name: string; version: string };

const RUN_ID = /^[0-9a-f]{32}$/;

export function parseMlflowRef(ref: string, defaultPath = 'model'): MlflowModelRef {
  const path = (p: string) => p.replace(/^\/+|\/+$/g, '');
  if (RUN_ID.test(ref)) return { kind: 'run', runId: ref, path: path(defaultPath) };
  let m = /^runs:\/([0-9a-f]{32})(?:\/(.*))?$/.exec(ref);
  if (m) return { kind: 'run', runId: m[1], path: path(m[2] ?? defaultPath) };
  m = /^models:\/([^/@]+)@([A-Za-z0-9_-]+)$/.exec(ref);
  if (m) return { kind: 'alias', name: m[1], alias: m[2] };
  m = /^models:\/([^/@]+)\/([0-9]+)$/.exec(ref);
  if (m) return { kind: 'version', name: m[1], version: m[2] };
  throw new MlflowError(400, 'INVALID_PARAMETER_VALUE', `"${ref}" is not an MLflow run id (32 hex), runs:/<id>/<path>, models:/<name>@<alias> or models:/<name>/<version>`);
}

/** Where a ref's files are: the artifact URI to download from, and the run it came from (if any). */
export async function resolveMlflowRef(client: MlflowClient, ref: MlflowModelRef): Promise<{ artifactUri: string; runId?: string }> {
  if (ref.kind === 'run') {
    const run = await client.getRun(ref.runId);
    return { artifactUri: [run.info.artifact_uri.replace(/\/+$/, ''), ref.path].filter(Boolean).join('/'), runId: ref.runId };
  }
  const version = ref.kind === 'alias' ? await client.versionByAlias(ref.name, ref.alias) : await client.modelVersion(ref.name, ref.version);
  if (!version) throw new MlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `MLflow model ${ref.name} has no alias "${(ref as { alias: string }).alias}"`);
  return { artifactUri: await client.downloadUri(version.name, version.version), runId: version.run_id || undefined };
}
