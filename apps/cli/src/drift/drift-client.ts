import { CliError, EXIT } from '../exit';

/** The drift worker over REST: LYNX_DRIFT_URL (default http://127.0.0.1:7103) and LYNX_TOKEN. */
export class DriftClient {
  constructor(
    private readonly baseUrl = process.env.LYNX_DRIFT_URL || 'http://127.0.0.1:7103',
    private readonly token = process.env.LYNX_TOKEN,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          accept,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new CliError(`drift worker unreachable at ${this.baseUrl} (${(err as Error).message}); set LYNX_DRIFT_URL`, EXIT.error);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        if (e) message = `${e.code}: ${e.message}`;
      } catch {
        // keep the raw text
      }
      throw new CliError(`drift worker answered ${res.status}: ${message}`, EXIT.error);
    }
    return (accept === 'application/json' ? JSON.parse(text) : text) as T;
  }
}
