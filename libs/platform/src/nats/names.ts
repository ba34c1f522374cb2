import { STREAMS, type StreamKey } from '@lynx/schema';

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** Retention by age in milliseconds; unset keeps everything (limits retention). */
  maxAgeMs?: number;
  /** Window in which a repeated Nats-Msg-Id is dropped; default 2 minutes. */
  duplicateWindowMs?: number;
}

const CANONICAL = 'lynx';

/**
 * Maps the canonical names of libs/schema (subjects `lynx.…`, streams `LYNX_…`) into a namespace,
 * so a test or a second installation gets its own streams, subjects, Redis keys and queues.
 * In the `lynx` namespace every name is the canonical one.
 */
export class LynxNames {
  constructor(readonly namespace: string = CANONICAL) {}

  /** `lynx.inference.completed` → `<ns>.inference.completed`; also maps wildcards (`lynx.inference.>`). */
  subject(canonical: string): string {
    if (this.namespace === CANONICAL || !canonical.startsWith(`${CANONICAL}.`)) return canonical;
    return `${this.namespace}.${canonical.slice(CANONICAL.length + 1)}`;
  }

  stream(key: StreamKey): StreamSpec {
    const s = STREAMS[key];
    const prefix = this.namespace.toUpperCase().replace(/-/g, '_');
    return { name: `${prefix}${s.name.slice(CANONICAL.length)}`, subjects: s.subjects.map((x) => this.subject(x)) };
  }

  /** Redis key under the namespace: redisKey('drift', 'agg') → `<ns>:drift:agg`. */
  redisKey(...parts: string[]): string {
    return [this.namespace, ...parts].join(':');
  }

  /** BullMQ key prefix: queues of different namespaces never see each other's jobs. */
  get bullPrefix(): string {
    return this.namespace === CANONICAL ? 'bull' : `${this.namespace}:bull`;
  }
}
