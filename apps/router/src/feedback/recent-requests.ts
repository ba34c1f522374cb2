import { Injectable } from '@nestjs/common';
import type { ServingRole } from '@lynx/schema';

export interface ServedBy {
  model: string;
  digest: string;
  arm: string;
  role: ServingRole;
}

/**
 * Who answered the most recent requests, so feedback can name the digest and arm it is about.
 * Bounded (oldest forgotten first); feedback on an older request is still published, without them.
 */
@Injectable()
export class RecentRequests {
  static readonly CAPACITY = 50_000;
  private readonly map = new Map<string, ServedBy>();

  remember(requestId: string, servedBy: ServedBy): void {
    this.map.delete(requestId);
    this.map.set(requestId, servedBy);
    if (this.map.size > RecentRequests.CAPACITY) this.map.delete(this.map.keys().next().value as string);
  }

  get(requestId: string): ServedBy | undefined {
    return this.map.get(requestId);
  }
}
