import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from '@lynx/platform';
import { ROUTER_CONFIG, loadRouterConfig, type RouterConfig } from './config/router-config';
import { InferenceEvents } from './events/inference-events.service';
import { FeedbackController } from './feedback/feedback.controller';
import { RecentRequests } from './feedback/recent-requests';
import { RouterMetrics } from './metrics/router-metrics';
import { PlanService } from './plans/plan.service';
import { CompletionsController } from './proxy/completions.controller';
import { ProxyService } from './proxy/proxy.service';
import { TrafficController } from './traffic/traffic.controller';

export interface RouterOptions {
  env?: NodeJS.ProcessEnv;
  config?: PlatformOptions['config'];
  /** Values that win over LYNX_ROUTER_* (tests, bench). */
  router?: Partial<RouterConfig>;
}

@Module({})
export class RouterAppModule {
  static forRoot(options: RouterOptions = {}): DynamicModule {
    return {
      module: RouterAppModule,
      imports: [PlatformModule.forRoot({ app: 'router', nats: true, streams: ['inference'], env: options.env, config: options.config })],
      controllers: [CompletionsController, FeedbackController, TrafficController],
      providers: [
        { provide: ROUTER_CONFIG, useFactory: () => ({ ...loadRouterConfig(options.env ?? process.env), ...options.router }) },
        RouterMetrics,
        InferenceEvents,
        RecentRequests,
        PlanService,
        ProxyService,
      ],
    };
  }
}
