import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, TOKEN_STORE, type LynxConfig } from '@lynx/platform';
import { ActionsController } from './api/actions.controller';
import { ConsoleController } from './api/console.controller';
import { ConsoleApiService } from './api/console-api.service';
import { CONSOLE_CONFIG, loadConsoleConfig, type ConsoleConfig } from './console-config';
import { EventsController } from './live/events.controller';
import { LiveFeed } from './live/live-feed';
import { LiveStats } from './live/live-stats';
import { SessionController } from './session/session.controller';
import { SessionGuard } from './session/session.guard';
import { CONSOLE_TOKENS, SessionStore } from './session/session.store';
import { ServicesClient } from './upstream/services.client';

export interface ConsoleModuleOptions {
  env?: NodeJS.ProcessEnv;
  config?: Partial<Omit<LynxConfig, 'app'>>;
  console?: Partial<ConsoleConfig>;
}

/** Wires the console: sessions, the gateway to the services, the live feed from NATS. */
@Module({})
export class ConsoleAppModule {
  static forRoot(options: ConsoleModuleOptions = {}): DynamicModule {
    return {
      module: ConsoleAppModule,
      imports: [PlatformModule.forRoot({ app: 'console', nats: true, streams: ['inference', 'registry', 'cost'], env: options.env, config: options.config })],
      controllers: [SessionController, ConsoleController, ActionsController, EventsController],
      providers: [
        { provide: CONSOLE_CONFIG, useFactory: () => ({ ...loadConsoleConfig(options.env), ...options.console }) },
        { provide: SessionStore, inject: [CONSOLE_CONFIG], useFactory: (c: ConsoleConfig) => new SessionStore(c.sessionIdleMs) },
        { provide: ServicesClient, inject: [CONSOLE_CONFIG], useFactory: (c: ConsoleConfig) => new ServicesClient(c) },
        // The platform's store, so a sign-in sees the tokens file as reloaded on change.
        { provide: CONSOLE_TOKENS, useExisting: TOKEN_STORE },
        { provide: LiveStats, useFactory: () => new LiveStats() },
        SessionGuard,
        ConsoleApiService,
        LiveFeed,
      ],
    };
  }
}

