import type { ServicesClient } from './services.client';

const e = encodeURIComponent;

/**
 * Every service endpoint the console calls, one line each, as the signed-in user. When a service's
 * API changes, this is the file to follow it in.
 */
export function endpoints(client: ServicesClient, token: string | null) {
  const get = <T = any>(service: Parameters<ServicesClient['call']>[0], path: string) => client.call<T>(service, token, 'GET', path);
  return {
    // registry
    models: () => get('registry', '/v1/models'),
    versions: (model: string, query: string) => get('registry', `/v1/models/${e(model)}/versions${query}`),
    version: (model: string, ref: string) => get('registry', `/v1/models/${e(model)}/versions/${e(ref)}`),
    manifest: (model: string, ref: string) => get('registry', `/v1/models/${e(model)}/versions/${e(ref)}/manifest`),
    lineage: (model: string, ref: string) => get('registry', `/v1/lineage/${e(model)}/${e(ref)}`),
    aliasHistory: (model: string, alias: string) => get('registry', `/v1/models/${e(model)}/aliases/${e(alias)}/history`),
    served: (model: string, cursor?: string) => get('registry', `/v1/models/${e(model)}/served?limit=1000${cursor ? `&cursor=${e(cursor)}` : ''}`),
    /** At most SERVED_DIGESTS_MAX digests (the registry refuses more with too_many_digests). */
    servedOf: (model: string, digests: readonly string[]) => get('registry', `/v1/models/${e(model)}/served?${digests.map((d) => `digest=${e(d)}`).join('&')}`),
    verdict: (model: string, id: string) => get('registry', `/v1/models/${e(model)}/verdicts/${e(id)}`),
    audit: (query: string) => get('registry', `/v1/audit${query}`),
    registryPlan: (model: string) => client.optional('registry', token, `/v1/traffic/${e(model)}`),
    planHistory: (model: string) => get('registry', `/v1/traffic/${e(model)}/history`),
    rollback: (model: string, body: { to?: string; reason: string }) => client.call('registry', token, 'POST', `/v1/models/${e(model)}/rollback`, body),
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
