import { Injectable } from '@nestjs/common';
import type { ServingRole } from '@lynx/schema';

export interface ServedBy {
  model: string;
  digest: string;
  arm: string;
  role: ServingRole;
}

const WAYS = 8;
/** Distinct (model, digest, arm, role) kept before the table starts over: plans name a handful. */
const MAX_SERVERS = 4096;

/**
 * Who answered the most recent requests, so feedback can name the digest and arm it is about.
 *
 * A fixed table in typed arrays (2.6 MB), 8-way set-associative by a 53-bit hash of the request
 * id, the oldest entry of a set replaced first. Nothing per request stays on the JavaScript heap:
 * a Map of the last 50 000 request ids promoted every id to the old generation, and its churn made
 * the router's scavenges two to four times longer and its full GCs frequent (its latency tail).
 * The last 30 000 requests are found but for about 1 in 10 000, the last 60 000 but for 1 in
 * 200; feedback on a request forgotten (or never answered) is refused with 404 request_not_found.
 */
@Injectable()
export class RecentRequests {
  static readonly CAPACITY = 131_072;
  /** How many recent answers are found, in words for error messages. */
  static readonly REMEMBERED = '60 000';
  private readonly sets = RecentRequests.CAPACITY / WAYS;
  /** Per slot: the two halves of the id's hash, and the index of who served it. */
  private readonly hashHi = new Uint32Array(RecentRequests.CAPACITY);
  private readonly hashLo = new Uint32Array(RecentRequests.CAPACITY);
  private readonly server = new Uint32Array(RecentRequests.CAPACITY);
  /** When the slot was written (0: empty); a float so it never wraps. */
  private readonly written = new Float64Array(RecentRequests.CAPACITY);
  private clock = 0;
  private servers: ServedBy[] = [];
  private serverIndex = new Map<string, number>();
  private lastIndex = 0;

  remember(requestId: string, servedBy: ServedBy): void {
    const [hi, lo] = hash53(requestId);
    const first = (lo & (this.sets - 1)) * WAYS;
    let slot = first;
    for (let i = first; i < first + WAYS; i++) {
      if (this.written[i] !== 0 && this.hashHi[i] === hi && this.hashLo[i] === lo) {
        slot = i;
        break;
      }
      if (this.written[i] < this.written[slot]) slot = i;
    }
    this.hashHi[slot] = hi;
    this.hashLo[slot] = lo;
    this.server[slot] = this.serverOf(servedBy);
    this.written[slot] = ++this.clock;
  }

  get(requestId: string): ServedBy | undefined {
    const [hi, lo] = hash53(requestId);
    const first = (lo & (this.sets - 1)) * WAYS;
    for (let i = first; i < first + WAYS; i++) {
      if (this.written[i] !== 0 && this.hashHi[i] === hi && this.hashLo[i] === lo) return this.servers[this.server[i]];
    }
    return undefined;
  }

  private serverOf(s: ServedBy): number {
    // Most requests are served as the one before them: no key string for those.
    const last = this.servers[this.lastIndex];
    if (last && last.model === s.model && last.digest === s.digest && last.arm === s.arm && last.role === s.role) return this.lastIndex;
    this.lastIndex = this.indexOf(s);
    return this.lastIndex;
  }

  private indexOf(s: ServedBy): number {
    const key = `${s.model}\0${s.digest}\0${s.arm}\0${s.role}`;
    let index = this.serverIndex.get(key);
    if (index === undefined) {
      // Only a router serving thousands of versions gets here; forgetting is what the table does anyway.
      if (this.servers.length >= MAX_SERVERS) this.clear();
      index = this.servers.length;
      this.servers.push({ ...s });
      this.serverIndex.set(key, index);
    }
    return index;
  }

  private clear(): void {
    this.written.fill(0);
    this.servers = [];
    this.serverIndex = new Map();
  }
}

const pair: [number, number] = [0, 0];

/**
 * cyrb53 (public domain, bryc): two 32-bit multiply-xorshift lanes; hi keeps 21 bits, lo 32.
 * Returns a shared tuple, read at once by the caller, so hashing allocates nothing.
 */
export function hash53(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  pair[0] = (h2 & 0x1fffff) >>> 0;
  pair[1] = h1 >>> 0;
  return pair;
}
