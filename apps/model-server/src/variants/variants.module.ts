import { Module } from '@nestjs/common';
import { VllmMetricsModule } from '../vllm-metrics/vllm-metrics.module';
import { VariantsController } from './variants.controller';
import { VariantsService } from './variants.service';

@Module({
  imports: [VllmMetricsModule],
  controllers: [VariantsController],
  providers: [VariantsService],
  exports: [VariantsService],
})
export class VariantsModule {}
