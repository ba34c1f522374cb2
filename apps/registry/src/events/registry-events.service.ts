import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EventPublisher, LynxLogger } from '@lynx/platform';
import { SUBJECTS, type RegistryEvent } from '@lynx/schema';

type EventType = RegistryEvent['type'];

const SUBJECT_OF: Record<EventType, string> = {
  'version.registered': SUBJECTS.registryVersionRegistered,
  'alias.moved': SUBJECTS.registryAliasMoved,
  promoted: SUBJECTS.registryPromoted,
  rolled_back: SUBJECTS.registryRolledBack,
  'traffic.changed': SUBJECTS.registryTrafficChanged,
  'verdict.recorded': SUBJECTS.registryVerdictRecorded,
};

/**
 * Publishes lynx.registry.* after a change has committed, with Nats-Msg-Id = event id. The
 * change stands whether or not the publish succeeds (the database is the source of truth and the
 * audit log holds every change), so a failed publish is logged, not returned to the client.
 */
@Injectable()
export class RegistryEvents {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {}

  async emit(type: EventType, fields: Omit<RegistryEvent, 'event_id' | 'type' | 'time'>): Promise<RegistryEvent> {
    const event: RegistryEvent = { event_id: randomUUID(), type, time: new Date().toISOString(), ...fields };
    try {
      await this.publisher.publish(SUBJECT_OF[type], event, event.event_id, { timeoutMs: 2000 });
    } catch (err) {
      this.logger.error({ msg: 'registry event not published', type, event_id: event.event_id, err: (err as Error).message }, 'RegistryEvents');
    }
    return event;
  }
}
