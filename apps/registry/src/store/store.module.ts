import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LYNX_CONFIG, ReadinessRegistry, type LynxConfig } from '@lynx/platform';
import { openRegistryStore } from './open-store';
import type { RegistryStore } from './registry-store';

/** Nest provider token of the RegistryStore. */
export const REGISTRY_STORE = 'LYNX_REGISTRY_STORE';

/** Extra store options for tests (own PostgreSQL schema). */
export const STORE_OVERRIDES = 'LYNX_REGISTRY_STORE_OVERRIDES';

class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REGISTRY_STORE,
      inject: [LYNX_CONFIG, ReadinessRegistry, { token: STORE_OVERRIDES, optional: true }],
      useFactory: async (config: LynxConfig, readiness: ReadinessRegistry, overrides?: { schema?: string }) => {
        const store = await openRegistryStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, ...overrides });
        readiness.register('database', () => store.ping());
        return store;
      },
    },
    StoreCloser,
  ],
  exports: [REGISTRY_STORE],
})
export class StoreModule {}
