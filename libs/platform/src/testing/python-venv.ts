// Test and bench fixture: the project's Python venv (tools/python/venv.sh makes it), where
// mlflow, dvc, evidently and litellm run as real parts and peers.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../../..');

/**
 * The venv's folder: LYNX_VENV, else .lynx/venv in the repository. Made absolute here, since
 * peers are spawned with a working directory of their own (a relative LYNX_VENV named nothing).
 */
export function venvDir(): string {
  return process.env.LYNX_VENV ? resolve(process.env.LYNX_VENV) : join(REPO, '.lynx', 'venv');
}

/** Path of a program in the venv; throws with the command that makes the venv when it is missing. */
export function venvBin(name: string): string {
  const bin = join(venvDir(), 'bin', name);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run 'bash tools/python/venv.sh' (npm test and .ci/run do) to install Lynx's Python tools`);
  return bin;
}

/**
 * Environment for the Python tools in tests: no telemetry, and litellm's bundled price map
 * instead of a download (mlflow imports litellm), so nothing leaves the machine.
 */
export function pythonToolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: '1',
    DVC_NO_ANALYTICS: '1',
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

/** Runs `<venv>/bin/python -c <code> ...args`; resolves with its output, rejects with its stderr. */
export function runPython(code: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, cwd = REPO): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(venvBin('python'), ['-c', code, ...args], { cwd, env: pythonToolEnv(env), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? fail(new Error(`python failed: ${stderr || err.message}`)) : ok(stdout),
    );
  });
}
