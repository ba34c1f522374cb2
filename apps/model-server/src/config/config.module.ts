import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LYNX_CONFIG, type LynxConfig } from '@lynx/platform';
import { MODEL_SERVER_CONFIG, loadModelServerConfig } from './model-server-config';

@Global()
@Module({})
export class ModelServerConfigModule {
  static forRoot(env?: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: ModelServerConfigModule,
      providers: [{ provide: MODEL_SERVER_CONFIG, inject: [LYNX_CONFIG], useFactory: (c: LynxConfig) => loadModelServerConfig(c, env) }],
      exports: [MODEL_SERVER_CONFIG],
    };
  }
}
