import { Module } from '@nestjs/common';
import { VariantsModule } from '../variants/variants.module';
import { VllmMetricsModule } from '../vllm-metrics/vllm-metrics.module';
import { CompletionsController } from './completions.controller';
import { InferenceService } from './inference.service';

@Module({
  imports: [VariantsModule, VllmMetricsModule],
  controllers: [CompletionsController],
  providers: [InferenceService],
})
export class InferenceModule {}
