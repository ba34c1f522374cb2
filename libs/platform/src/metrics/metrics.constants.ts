import { Inject } from '@nestjs/common';
import { Registry } from 'prom-client';

/** Nest provider token of the app's prom-client Registry (one per app instance, not the global one). */
export const METRICS_REGISTRY = 'LYNX_METRICS_REGISTRY';
export const InjectMetrics = (): ParameterDecorator => Inject(METRICS_REGISTRY);

/** Nest provider token of the handle that stops the default metrics' collectors when the app closes. */
export const DEFAULT_METRICS = 'LYNX_DEFAULT_METRICS';

/** A fresh registry labelled with the app name; Node's default metrics are added by `startDefaultMetrics`. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  return registry;
}
