import { Global, Module } from '@nestjs/common';
import { DomainMetrics } from './domain-metrics';

@Global()
@Module({ providers: [DomainMetrics], exports: [DomainMetrics] })
export class DomainMetricsModule {}
