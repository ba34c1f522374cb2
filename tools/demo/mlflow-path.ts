import * as fs from 'node:fs';
import * as path from 'node:path';
import { type MlflowServer, freePort, startMlflowServer, venvDir } from '@lynx/platform/testing';

/** Set to 0 to leave the MLflow path out even when the venv exists (the demo spec does: it has its own). */
export const DEMO_MLFLOW_VARIABLE = 'LYNX_DEMO_MLFLOW';

export type MlflowPath = { on: true; line: string } | { on: false; line: string };

/** Whether this run takes the MLflow path, and the one line that says so (and how to enable it when off). */
export function mlflowPath(env: NodeJS.ProcessEnv = process.env): MlflowPath {
  if (env[DEMO_MLFLOW_VARIABLE] === '0') return { on: false, line: `MLflow path: skipped (${DEMO_MLFLOW_VARIABLE}=0)` };
  const bin = path.join(env.LYNX_VENV || venvDir(), 'bin', 'mlflow');
  if (!fs.existsSync(bin)) return { on: false, line: 'MLflow path: skipped, no Python venv with mlflow; enable it with `bash tools/python/venv.sh`' };
  return { on: true, line: 'MLflow path: on (Python venv found): a local mlflow server, train --mlflow, push --mlflow-run, the registry mirroring into MLflow' };
}

export interface DemoMlflow {
  /** Known at once, so the registry starts with its mirror on while the server is still starting. */
  url: string;
  /** Settles when the server answers /health; a failure is kept for the MLflow experiment to report. */
  ready: Promise<{ server?: MlflowServer; error?: Error }>;
}

/**
 * Starts the run's MLflow server (sqlite store, artifact proxy) the way the MLflow spec does, on a
 * port picked here. It can take over a minute to answer on a loaded machine; nothing waits for it
 * but the MLflow experiment, and the registry's mirror retries its events until it answers.
 */
export async function startDemoMlflow(): Promise<DemoMlflow> {
  const port = await freePort();
  const ready = startMlflowServer({ port, timeoutMs: 180_000 }).then(
    (server) => ({ server }),
    (err: Error) => ({ error: err }),
  );
  return { url: `http://127.0.0.1:${port}`, ready };
}
