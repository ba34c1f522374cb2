import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LYNX_CONFIG, type LynxConfig } from '@lynx/platform';
import { GateRegistryClient } from '@lynx/gate';
import { GATE_CONFIG, type GateConfig, loadGateConfig } from './config/gate-config';

/** The gate's settings and its registry client, shared by the evaluation and canary features. */
@Global()
@Module({})
export class GateCoreModule {
  static forRoot(env?: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: GateCoreModule,
      providers: [
        { provide: GATE_CONFIG, useFactory: () => loadGateConfig(env) },
        {
          provide: GateRegistryClient,
          inject: [LYNX_CONFIG, GATE_CONFIG],
          useFactory: (c: LynxConfig, g: GateConfig) => new GateRegistryClient(c.registryUrl, g.registryToken),
        },
      ],
      exports: [GATE_CONFIG, GateRegistryClient],
    };
  }
}
