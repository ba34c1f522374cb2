import { ServiceError } from './service-error';
import { RegistryClient, bearer, isUnreachable, registryErrorParts } from '@lynx/registry-client';
import { URL_VARIABLES, UpstreamUnavailableError, type LynxError } from '@lynx/schema';
import type { ConsoleConfig } from '../console-config';

export type Service = 'registry' | 'router' | 'gate' | 'drift' | 'cost';

const URL_VARIABLE: Record<Service, string> = {
  registry: URL_VARIABLES.registry,
  router: URL_VARIABLES.router,
  gate: URL_VARIABLES.gate,
  drift: URL_VARIABLES['drift-worker'],
  cost: URL_VARIABLES['cost-emitter'],
};

/**
 * The console's one way out: a JSON call to a Lynx service as the signed-in user (their bearer
 * token). Every endpoint the console relies on is named in endpoints.ts, so an API change is
 * followed in one place.
 */
export class ServicesClient {
  private readonly registryClient: RegistryClient;

  constructor(private readonly config: ConsoleConfig) {
    this.registryClient = new RegistryClient({ url: config.registryUrl, token: null, timeoutMs: 15_000, mapError: (err) => this.registryError(err) });
  }

  /** The one registry client, acting as the signed-in user. */
  registry(token: string | null): RegistryClient {
    return this.registryClient.as(bearer(token ?? undefined));
  }

  /** The registry's errors in the console's words: what it answered, passed on unchanged. */
  private registryError(err: LynxError): Error {
    if (isUnreachable(err)) {
      const cause = (err.details as { cause?: string }).cause;
      return new UpstreamUnavailableError(`the registry at ${this.baseOf('registry')} did not answer (${cause}); start it or set ${URL_VARIABLE.registry}`, { service: 'registry' });
    }
    const said = registryErrorParts(err);
    const details = said.details ?? err.details;
    return new ServiceError(said.status ?? err.status, said.code ?? err.code, `registry: ${said.message}`, { service: 'registry', ...(details === undefined ? {} : { details }) });
  }

  baseOf(service: Service): string {
    return { registry: this.config.registryUrl, router: this.config.routerUrl, gate: this.config.gateUrl, drift: this.config.driftUrl, cost: this.config.costUrl }[service];
  }

  async call<T = any>(service: Service, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
    const target = this.baseOf(service) + path;
    let res: Response;
    try {
      res = await fetch(target, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new UpstreamUnavailableError(`the ${service} at ${this.baseOf(service)} did not answer (${(err as Error).message}); start it or set ${URL_VARIABLE[service]}`, { service });
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = json?.error;
      throw new ServiceError(res.status, typeof e?.code === 'string' ? e.code : `http_${res.status}`, `${service}: ${typeof e?.message === 'string' ? e.message : text.slice(0, 300) || res.statusText}`, { service, ...(e?.details === undefined ? {} : { details: e.details }) });
    }
    return json as T;
  }

  /** Like call, but a 404 is an answer (undefined), not an error: "no plan", "no canary". */
  static async orNone<T>(answer: Promise<T>): Promise<T | undefined> {
    return answer.catch((err) => {
      if (err instanceof ServiceError && err.status === 404) return undefined;
      throw err;
    });
  }

  /** Like call, but a 404 is an answer (undefined), not an error: "no plan", "no canary". */
  async optional<T = any>(service: Service, token: string | null, path: string): Promise<T | undefined> {
    try {
      return await this.call<T>(service, token, 'GET', path);
    } catch (err) {
      if (err instanceof ServiceError && err.status === 404) return undefined;
      throw err;
    }
  }
}
