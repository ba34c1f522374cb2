import { Transport, type NatsOptions } from '@nestjs/microservices';
import type { LynxConfig } from '../config/config';

/**
 * Options for `app.connectMicroservice(...)`: NATS core request/reply (PATTERNS in libs/schema)
 * on the app's NATS server. A queue group spreads requests over replicas of one app.
 */
export function natsMicroserviceOptions(config: LynxConfig): NatsOptions {
  return {
    transport: Transport.NATS,
    options: { servers: [config.natsUrl], queue: `${config.namespace}-${config.app}`, name: `lynx-${config.app}-rpc` },
  };
}
