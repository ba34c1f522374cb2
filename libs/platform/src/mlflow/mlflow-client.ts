import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from './mlflow-error';
import type { MlflowDataset, MlflowFileInfo, MlflowKeyValue, MlflowMetric, MlflowModelVersion, MlflowRegisteredModel, MlflowRun } from './mlflow-types';

type Query = Record<string, string | number | undefined>;

/**
 * A thin client of MLflow's REST API (`/api/2.0/mlflow/…`) and its artifact proxy
 * (`/api/2.0/mlflow-artifacts/artifacts/…`), for a tracking server started with
 * `--serve-artifacts`. Only the calls Lynx uses; the npm `mlflow` package covers tracking only
 * and calls a removed route, so Lynx keeps its own.
 */
export class MlflowClient {
  readonly base: string;

  constructor(trackingUri: string, private readonly timeoutMs = 30_000) {
    this.base = trackingUri.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(`${this.base}/api/2.0/mlflow/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new MlflowError(0, 'UNAVAILABLE', `MLflow at ${this.base} did not answer (${(err as Error).message}); is the tracking server running?`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) {
      throw new MlflowError(res.status, String(json.error_code ?? `HTTP_${res.status}`), String(json.message ?? text.slice(0, 200)));
    }
    return json as T;
  }

  // Tracking

  async experimentId(name: string): Promise<string> {
    try {
      const got = await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', undefined, { experiment_name: name });
      return got.experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof MlflowError && err.notFound)) throw err;
      try {
        return (await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
      } catch (created) {
        // Another writer created it between the two calls.
        if (created instanceof MlflowError && created.alreadyExists) return this.experimentId(name);
        throw created;
      }
    }
  }

  async createRun(experimentId: string, runName: string, tags: MlflowKeyValue[]): Promise<MlflowRun> {
    return (await this.call<{ run: MlflowRun }>('POST', 'runs/create', { experiment_id: experimentId, run_name: runName, start_time: Date.now(), tags })).run;
  }

  /** Logs metrics, params and tags in batches within MLflow's limits (1000 metrics, 100 params, 100 tags, 1000 items). */
  async logBatch(runId: string, batch: { metrics?: MlflowMetric[]; params?: MlflowKeyValue[]; tags?: MlflowKeyValue[] }): Promise<void> {
    const metrics = [...(batch.metrics ?? [])];
    const params = [...(batch.params ?? [])];
    const tags = [...(batch.tags ?? [])];
    while (metrics.length || params.length || tags.length) {
      const p = params.splice(0, 100);
      const t = tags.splice(0, 100);
      const m = metrics.splice(0, 1000 - p.length - t.length);
      await this.call('POST', 'runs/log-batch', { run_id: runId, metrics: m, params: p, tags: t });
    }
  }

  async logInputs(runId: string, datasets: Array<{ context: string; dataset: MlflowDataset }>): Promise<void> {
    await this.call('POST', 'runs/log-inputs', {
      run_id: runId,
      datasets: datasets.map((d) => ({ tags: [{ key: 'mlflow.data.context', value: d.context }], dataset: d.dataset })),
    });
  }

  async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED'): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  async getRun(runId: string): Promise<MlflowRun> {
    return (await this.call<{ run: MlflowRun }>('GET', 'runs/get', undefined, { run_id: runId })).run;
  }

  /** Every file under `path` of a run's artifacts, recursively, with paths relative to the run's artifact root. */
  async listRunArtifacts(runId: string, path = ''): Promise<MlflowFileInfo[]> {
    const got = await this.call<{ files?: MlflowFileInfo[] }>('GET', 'artifacts/list', undefined, { run_id: runId, path: path || undefined });
    const out: MlflowFileInfo[] = [];
    for (const f of got.files ?? []) {
      if (f.is_dir) out.push(...(await this.listRunArtifacts(runId, f.path)));
      else out.push(f);
    }
    return out;
  }

  // Artifacts, through the server's proxy

  /** The proxy URL of an `mlflow-artifacts:/…` URI plus a relative path. */
  proxyUrl(artifactUri: string, relative = ''): URL {
    const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
    if (!match) {
      throw new MlflowError(400, 'INVALID_PARAMETER_VALUE', `artifacts at "${artifactUri}" are not served by the tracking server; start it with --serve-artifacts so Lynx can read them through its artifact proxy`);
    }
    const path = [match[1].replace(/\/+$/, ''), relative].filter(Boolean).join('/');
    return new URL(`${this.base}/api/2.0/mlflow-artifacts/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`);
  }

  /** Every file under an `mlflow-artifacts:/…` folder, recursively, as paths relative to it (the proxy lists one level at a time). */
  async listArtifactTree(artifactUri: string, relative = ''): Promise<Array<{ path: string; size: number }>> {
    const dir = this.proxyUrl(artifactUri, relative);
    const url = new URL(`${this.base}/api/2.0/mlflow-artifacts/artifacts`);
    url.searchParams.set('path', decodeURIComponent(dir.pathname.replace(/^.*?\/mlflow-artifacts\/artifacts\/?/, '')));
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new MlflowError(res.status, `HTTP_${res.status}`, `listing ${artifactUri}/${relative}: ${(await res.text()).slice(0, 200)}`);
    const got = (await res.json()) as { files?: MlflowFileInfo[] };
    const out: Array<{ path: string; size: number }> = [];
    for (const f of got.files ?? []) {
      const path = relative ? `${relative}/${f.path}` : f.path;
      if (f.is_dir) out.push(...(await this.listArtifactTree(artifactUri, path)));
      else out.push({ path, size: Number(f.file_size ?? 0) });
    }
    return out;
  }

  async uploadArtifact(artifactUri: string, relative: string, file: string): Promise<void> {
    const res = await fetch(this.proxyUrl(artifactUri, relative), { method: 'PUT', body: await readFile(file), signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new MlflowError(res.status, `HTTP_${res.status}`, `uploading ${relative}: ${(await res.text()).slice(0, 200)}`);
  }

  async downloadArtifact(artifactUri: string, relative: string, dest: string): Promise<void> {
    const res = await fetch(this.proxyUrl(artifactUri, relative), { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok || !res.body) throw new MlflowError(res.status, `HTTP_${res.status}`, `downloading ${relative}: ${res.statusText}`);
    await mkdir(dirname(dest), { recursive: true });
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(dest, { flags: 'wx' }));
  }

  // Model registry

  async ensureRegisteredModel(name: string): Promise<void> {
    try {
      await this.call('POST', 'registered-models/create', { name });
    } catch (err) {
      if (!(err instanceof MlflowError && err.alreadyExists)) throw err;
    }
  }

  async registeredModel(name: string): Promise<MlflowRegisteredModel | undefined> {
    try {
      return (await this.call<{ registered_model: MlflowRegisteredModel }>('GET', 'registered-models/get', undefined, { name })).registered_model;
    } catch (err) {
      if (err instanceof MlflowError && err.notFound) return undefined;
      throw err;
    }
  }

  async createModelVersion(name: string, source: string, runId: string | undefined, tags: MlflowKeyValue[]): Promise<MlflowModelVersion> {
    return (await this.call<{ model_version: MlflowModelVersion }>('POST', 'model-versions/create', { name, source, run_id: runId, tags })).model_version;
  }

  async modelVersions(name: string): Promise<MlflowModelVersion[]> {
    const out: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const got = await this.call<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', undefined, {
        filter: `name='${name.replace(/'/g, "\\'")}'`,
        max_results: 1000,
        page_token: pageToken,
      });
      out.push(...(got.model_versions ?? []));
      pageToken = got.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }

  async versionByAlias(name: string, alias: string): Promise<MlflowModelVersion | undefined> {
    try {
      return (await this.call<{ model_version: MlflowModelVersion }>('GET', 'registered-models/alias', undefined, { name, alias })).model_version;
    } catch (err) {
      // A missing model is RESOURCE_DOES_NOT_EXIST; a missing alias of an existing one, INVALID_PARAMETER_VALUE.
      if (err instanceof MlflowError && (err.notFound || /alias .* not found/i.test(err.message))) return undefined;
      throw err;
    }
  }

  async modelVersion(name: string, version: string): Promise<MlflowModelVersion> {
    return (await this.call<{ model_version: MlflowModelVersion }>('GET', 'model-versions/get', undefined, { name, version })).model_version;
  }

  async downloadUri(name: string, version: string): Promise<string> {
    return (await this.call<{ artifact_uri: string }>('GET', 'model-versions/get-download-uri', undefined, { name, version })).artifact_uri;
  }
}
