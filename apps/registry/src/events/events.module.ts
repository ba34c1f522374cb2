import { Global, Module } from '@nestjs/common';
import { RegistryEvents } from './registry-events.service';

@Global()
@Module({ providers: [RegistryEvents], exports: [RegistryEvents] })
export class EventsModule {}
