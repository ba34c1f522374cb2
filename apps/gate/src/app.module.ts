import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, lynxBullModule, type LynxConfig } from '@lynx/platform';
import { BanditModule } from './bandit/bandit.module';
import { CanaryModule } from './canary/canary.module';
import { GateCoreModule } from './core.module';
import { EvaluationsModule } from './evaluations/evaluations.module';

@Module({})
export class GateAppModule {
  static forRoot(options: { env?: NodeJS.ProcessEnv; config?: Partial<Omit<LynxConfig, 'app'>> } = {}): DynamicModule {
    return {
      module: GateAppModule,
      imports: [
        PlatformModule.forRoot({ app: 'gate', nats: true, redis: true, streams: ['inference', 'registry'], env: options.env, config: options.config }),
        lynxBullModule(),
        GateCoreModule.forRoot(options.env),
        EvaluationsModule,
        CanaryModule,
        BanditModule.forRoot(options.env),
      ],
    };
  }
}
