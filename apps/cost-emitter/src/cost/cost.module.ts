import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { LYNX_CONFIG, LynxNames, METRICS_REGISTRY, REDIS_CLIENT, type LynxConfig } from '@lynx/platform';
import { loadCostConfig, type CostConfig } from '../cost-config';
import { loadPriceBook, type PriceBook } from '../prices/price-book';
import { RegistryClient } from '../registry/registry-client';
import { VersionCatalog } from '../registry/version-catalog';
import { RollupStore } from '../rollup/rollup-store';
import { COST_CONFIG, PRICE_BOOK } from './cost.constants';
import { CostMetrics } from './cost-metrics';
import { CostPipeline } from './cost-pipeline';
import { CostService } from './cost.service';
import { LiveUsageController } from './live.controller';

const PROVIDERS: Provider[] = [
  {
    provide: RegistryClient,
    inject: [LYNX_CONFIG, COST_CONFIG],
    useFactory: (l: LynxConfig, c: CostConfig) => new RegistryClient(l.registryUrl, c.token),
  },
  {
    provide: VersionCatalog,
    inject: [RegistryClient, COST_CONFIG],
    useFactory: (r: RegistryClient, c: CostConfig) => new VersionCatalog(r, { ttlMs: c.catalogTtlSeconds * 1000 }),
  },
  { provide: CostMetrics, inject: [METRICS_REGISTRY], useFactory: (r: Registry) => new CostMetrics(r) },
  {
    provide: RollupStore,
    inject: [REDIS_CLIENT, LynxNames, COST_CONFIG],
    useFactory: (redis: Redis, names: LynxNames, c: CostConfig) =>
      new RollupStore(redis, { prefix: names.redisKey('cost'), windowSeconds: c.windowSeconds, retentionSeconds: c.retentionSeconds }),
  },
  {
    provide: CostPipeline,
    inject: [PRICE_BOOK, VersionCatalog, RollupStore, CostMetrics],
    useFactory: (b: PriceBook, v: VersionCatalog, s: RollupStore, m: CostMetrics) => new CostPipeline(b, v, s, m),
  },
  CostService,
];

@Module({})
export class CostModule {
  /**
   * Reads LYNX_COST_* and the price book now, before any connection is opened, so a bad price
   * book stops the app at start with the file and line (PriceBookError) and leaves nothing open.
   */
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadCostConfig(env);
    const book = loadPriceBook(config.pricesFile);
    return {
      module: CostModule,
      controllers: [LiveUsageController],
      providers: [{ provide: COST_CONFIG, useValue: config }, { provide: PRICE_BOOK, useValue: book }, ...PROVIDERS],
      exports: [CostService, RollupStore],
    };
  }
}
