import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type LynxConfig } from '@lynx/platform';
import { ModelServerConfigModule } from './config/config.module';
import { VllmHealthController } from './health/vllm-health.controller';
import { InferenceModule } from './inference/inference.module';
import { VariantsModule } from './variants/variants.module';

export interface ModelServerOptions {
  /** Environment to read instead of process.env (tests). */
  env?: NodeJS.ProcessEnv;
  /** Platform values that win over the environment (tests). */
  config?: Partial<Omit<LynxConfig, 'app'>>;
}

@Module({})
export class AppModule {
  static forRoot(options: ModelServerOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ app: 'model-server', env: options.env, config: options.config }),
        ModelServerConfigModule.forRoot(options.env),
        VariantsModule,
        InferenceModule,
      ],
      controllers: [VllmHealthController],
    };
  }
}
