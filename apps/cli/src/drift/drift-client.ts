import { ServiceClient } from '../service-client';

/** The drift worker over REST: LYNX_DRIFT_URL (else LYNX_DRIFT_WORKER_PORT on this host) and LYNX_TOKEN. */
export class DriftClient {
  private readonly service: ServiceClient;

  constructor(baseUrl?: string, token?: string) {
    this.service = new ServiceClient('drift-worker', token, baseUrl);
  }

  async request<T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> {
    if (accept !== 'application/json') return (await this.service.text(path, accept)) as T;
    return this.service.json<T>(method, path, body);
  }
}
