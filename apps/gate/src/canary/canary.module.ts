import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { QUEUES } from '@lynx/schema';
import { CanaryFollower } from './canary-follower';
import { CanaryMetrics } from './canary-metrics';
import { CanaryController } from './canary.controller';
import { CanaryProcessor } from './canary.processor';
import { CanaryService } from './canary.service';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.canaryAnalysis })],
  controllers: [CanaryController],
  providers: [CanaryService, CanaryProcessor, CanaryFollower, CanaryMetrics],
  exports: [CanaryService],
})
export class CanaryModule {}
