import { Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@lynx/platform';
import { VllmMetrics } from './vllm-metrics';

@Module({
  providers: [{ provide: VllmMetrics, inject: [METRICS_REGISTRY], useFactory: (r: Registry) => new VllmMetrics(r) }],
  exports: [VllmMetrics],
})
export class VllmMetricsModule {}
