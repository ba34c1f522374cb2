/** LYNX_MLFLOW_TRACKING_URI on the registry turns the mirror on; unset, it does nothing. */
export const MLFLOW_MIRROR_CONFIG = 'LYNX_MLFLOW_MIRROR_CONFIG';

export interface MlflowMirrorConfig {
  trackingUri?: string;
  /** how long a nak'ed event waits before it comes back while MLflow is down */
  retryMs: number;
}

export function mlflowMirrorConfig(env: NodeJS.ProcessEnv): MlflowMirrorConfig {
  const uri = env.LYNX_MLFLOW_TRACKING_URI || undefined;
  if (uri && !/^https?:\/\//.test(uri)) throw new Error(`LYNX_MLFLOW_TRACKING_URI: expected an http(s) URL of an MLflow tracking server, got "${uri}"`);
  const retryMs = Number(env.LYNX_MLFLOW_RETRY_MS || 2000);
  return { trackingUri: uri, retryMs: Number.isFinite(retryMs) && retryMs > 0 ? retryMs : 2000 };
}
