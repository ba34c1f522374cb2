import { Module } from '@nestjs/common';
import { VllmMetricsModule } from '../vllm-metrics/vllm-metrics.module';
import { VariantsController } from './variants.controller';
import { OnDemandLoader } from './on-demand-loader';
import { VariantsService } from './variants.service';

@Module({
  imports: [VllmMetricsModule],
  controllers: [VariantsController],
  providers: [VariantsService, OnDemandLoader],
  exports: [VariantsService, OnDemandLoader],
})
export class VariantsModule {}
