import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@lynx/platform';
import { CostModule } from './cost/cost.module';

@Module({})
export class AppModule {
  /** Throws ConfigError / PriceBookError at once when the configuration or price book is bad. */
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ app: 'cost-emitter', nats: true, redis: true, streams: ['inference', 'cost'], env }), CostModule.forRoot(env)],
    };
  }
}
