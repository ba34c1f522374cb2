import { ServicesClient } from './services.client';

const e = encodeURIComponent;

/**
 * Every service endpoint the console calls, one line each, as the signed-in user. When a service's
 * API changes, this is the file to follow it in.
 */
export function endpoints(client: ServicesClient, token: string | null) {
  const get = <T = any>(service: Parameters<ServicesClient['call']>[0], path: string) => client.call<T>(service, token, 'GET', path);
  const registry = client.registry(token);
  const params = (query: string) => Object.fromEntries(new URLSearchParams(query));
  return {
    // registry, through the one registry client
    models: () => registry.listModels(),
    versions: (model: string, query: string): Promise<any> => registry.versions(model, params(query)),
    version: (model: string, ref: string): Promise<any> => registry.version(model, ref),
    manifest: (model: string, ref: string) => registry.manifest(model, ref),
    lineage: (model: string, ref: string) => registry.lineage<any>(model, ref),
    aliasHistory: async (model: string, alias: string) => ({ model, alias, moves: await registry.aliasHistory(model, alias) }),
    served: (model: string, cursor?: string) => registry.served(model, { limit: 1000, cursor }),
    /** At most SERVED_DIGESTS_MAX digests (the registry refuses more with too_many_digests). */
    servedOf: (model: string, digests: readonly string[]) => registry.servedOf(model, digests),
    verdict: (model: string, id: string): Promise<any> => registry.verdict(model, id),
    audit: (query: string) => registry.auditPage(params(query)),
    registryPlan: (model: string) => ServicesClient.orNone(registry.traffic(model)),
    planHistory: async (model: string) => ({ model, changes: await registry.trafficHistory(model) }),
    rollback: (model: string, body: { to?: string; reason: string }) => registry.rollback(model, body),
    // router
    routerPlan: (model: string) => client.optional('router', token, `/v1/traffic/${e(model)}`),
    putPlan: (model: string, body: { plan: unknown; expected_revision?: number; reason: string }) => client.call('router', token, 'PUT', `/v1/traffic/${e(model)}`, body),
    // gate
    canary: (model: string) => client.optional('gate', token, `/v1/gate/canaries/${e(model)}`),
    canaryMeasurements: (model: string) => get('gate', `/v1/gate/canaries/${e(model)}/measurements`),
    // drift worker
    driftReports: (model: string, limit: number) => get('drift', `/v1/drift/reports?model=${e(model)}&limit=${limit}`),
    driftReport: (id: string) => get('drift', `/v1/drift/reports/${e(id)}`),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;
