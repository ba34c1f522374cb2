import { MlflowClient, MlflowError } from '@lynx/platform';
import { CliError, EXIT } from '../exit';

export const MLFLOW_TRACKING_URI_VARIABLE = 'LYNX_MLFLOW_TRACKING_URI';

/** The MLflow client for LYNX_MLFLOW_TRACKING_URI (or MLFLOW_TRACKING_URI, as MLflow's own tools read it). */
export function mlflowClient(): MlflowClient {
  const uri = process.env[MLFLOW_TRACKING_URI_VARIABLE] || process.env.MLFLOW_TRACKING_URI;
  if (!uri || !/^https?:\/\//.test(uri)) {
    throw new CliError(`set ${MLFLOW_TRACKING_URI_VARIABLE} to your MLflow tracking server (e.g. http://127.0.0.1:5000, started with --serve-artifacts)`, EXIT.error);
  }
  return new MlflowClient(uri);
}

/** MLflow's refusals as the CLI's errors, with MLflow's own code. */
export function mlflowCliError(err: unknown): never {
  if (err instanceof MlflowError) throw new CliError(`MLflow: ${err.errorCode}: ${err.message}`, EXIT.error);
  throw err;
}

/** MLflow metric keys allow alphanumerics, _ - . space and /; bucket names like `error.VERB:FORM` lose the colon. */
export function mlflowKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_\-. /]/g, '_');
}
