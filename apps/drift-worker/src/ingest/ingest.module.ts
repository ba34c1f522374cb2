import { Module, type DynamicModule } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { BEFORE_ACK, ConsumerRunner } from './consumer-runner';

@Module({})
export class IngestModule {
  static forRoot(beforeAck?: (batch: readonly JsMsg[]) => Promise<void> | void): DynamicModule {
    return {
      module: IngestModule,
      providers: [ConsumerRunner, { provide: BEFORE_ACK, useValue: beforeAck ?? null }],
      exports: [ConsumerRunner],
    };
  }
}
