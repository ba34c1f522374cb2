import { Module, type DynamicModule } from '@nestjs/common';
import { BANDIT_TICK_MS, BanditService, banditTickMs } from './bandit.service';

/** The bandit strategy's reallocation service (counts from the router's events, weights to the registry). */
@Module({})
export class BanditModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: BanditModule,
      providers: [{ provide: BANDIT_TICK_MS, useValue: banditTickMs(env) }, BanditService],
      exports: [BanditService],
    };
  }
}
