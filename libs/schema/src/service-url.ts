import { PORTS, type AppName } from './names';

/** The variable that names where an app answers, for the CLI and the other apps. */
export const URL_VARIABLES: Record<AppName, string> = {
  router: 'LYNX_ROUTER_URL',
  registry: 'LYNX_REGISTRY_URL',
  gate: 'LYNX_GATE_URL',
  'drift-worker': 'LYNX_DRIFT_URL',
  'cost-emitter': 'LYNX_COST_EMITTER_URL',
  'model-server': 'LYNX_MODEL_SERVER_URL',
  console: 'LYNX_CONSOLE_URL',
};

/** `LYNX_<APP>_PORT`, e.g. LYNX_MODEL_SERVER_PORT. */
export const portVariableOf = (app: AppName): string => `LYNX_${app.toUpperCase().replace(/-/g, '_')}_PORT`;

/**
 * Where `app` answers: its LYNX_<APP>_URL, else 127.0.0.1 on its LYNX_<APP>_PORT (or the default
 * port). So moving an app to another port (`npm start` with LYNX_REGISTRY_PORT=…) is one variable,
 * read the same way by the app itself, the apps that call it and the CLI.
 */
export function serviceUrl(app: AppName, env: NodeJS.ProcessEnv = process.env): string {
  const url = env[URL_VARIABLES[app]];
  if (url) return url.replace(/\/+$/, '');
  const port = env[portVariableOf(app)];
  return `http://127.0.0.1:${port && /^\d{1,5}$/.test(port) ? port : PORTS[app]}`;
}
