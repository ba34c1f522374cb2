import { Module } from '@nestjs/common';
import { BanditService } from './bandit.service';

/** The bandit strategy's reallocation service (counts from the router's events, weights to the registry). */
@Module({
  providers: [BanditService],
  exports: [BanditService],
})
export class BanditModule {}
