import { Inject } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Nest provider token of the app's prom-client Registry (one per app instance, not the global one). */
export const METRICS_REGISTRY = 'LYNX_METRICS_REGISTRY';
export const InjectMetrics = (): ParameterDecorator => Inject(METRICS_REGISTRY);

/** A fresh registry with Node's default metrics, labelled with the app name. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
