import { URL_VARIABLES, serviceUrl, type AppName } from '@lynx/schema';
import { serviceCliError, unreachableCliError } from './error-hints';

/** The names the user reads in errors and in `lynx status`. */
const SHOWN: Record<AppName, string> = {
  router: 'router',
  registry: 'registry',
  gate: 'gate',
  'drift-worker': 'drift worker',
  'cost-emitter': 'cost emitter',
  'model-server': 'model server',
  console: 'console',
};

/**
 * JSON over HTTP to one Lynx service (LYNX_<APP>_URL or its port, LYNX_TOKEN), failures mapped by
 * error-hints: the same headers, token and error wording for every command.
 */
export class ServiceClient {
  readonly baseUrl: string;

  constructor(
    readonly app: AppName,
    private readonly token = process.env.LYNX_TOKEN || undefined,
    baseUrl = serviceUrl(app),
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get name(): string {
    return SHOWN[this.app];
  }

  /** The raw answer (status, parsed JSON or text); throws only when the service does not answer. */
  async call(method: string, path: string, body?: unknown, timeoutMs = 30_000, accept = 'application/json'): Promise<{ status: number; json: any; text: string }> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          accept,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw unreachableCliError(this.name, this.baseUrl, URL_VARIABLES[this.app], err);
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  /** The JSON answer; a status of 400 or more becomes the mapped CliError. */
  async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.ok(method, path, body)).json as T;
  }

  /** The answer's text as sent (an HTML page); a status of 400 or more becomes the mapped CliError. */
  async text(path: string, accept: string): Promise<string> {
    return (await this.ok('GET', path, undefined, accept)).text;
  }

  private async ok(method: string, path: string, body?: unknown, accept?: string): Promise<{ json: any; text: string }> {
    const res = await this.call(method, path, body, undefined, accept);
    if (res.status >= 400) {
      const e = res.json?.error;
      throw serviceCliError(this.name, res.status, e?.code, e?.message ?? (res.text.slice(0, 200) || `HTTP ${res.status}`), e?.details);
    }
    return res;
  }
}
