import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { QUEUES } from '@lynx/schema';
import { EvaluationsController } from './evaluations.controller';
import { EvaluationsProcessor } from './evaluations.processor';
import { EvaluationsService } from './evaluations.service';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.gateEvaluations })],
  controllers: [EvaluationsController],
  providers: [EvaluationsService, EvaluationsProcessor],
  exports: [EvaluationsService],
})
export class EvaluationsModule {}
