import { EventEmitter } from 'node:events';
import type { InferenceEvent, ShadowPairEvent } from '@lynx/schema';

const HOUR_S = 3600;
const P99_WINDOW_MS = 60_000;
const RATE_WINDOW_S = 10;
const MAX_LATENCIES = 5_000;
const MAX_PAIRS = 5_000;
const MAX_ROLLUPS = 20_000;

interface ArmSeries {
  digest: string;
  role: string;
  /** Requests and errors per second (epoch second → counts), the last hour. */
  seconds: Map<number, { n: number; errors: number }>;
  /** (time, latency) of recent requests, for p99 over the last minute. */
  latencies: Array<[number, number]>;
}

export interface ArmStats {
  arm: string;
  digest: string;
  role: string;
  requests_last_hour: number;
  errors_last_hour: number;
  req_per_s: number;
  errors_per_s: number;
  p99_ms: number | null;
  /** Requests per second over the last 5 minutes, for the sparkline. */
  series: Array<{ t: string; rps: number; errors: number }>;
}

export interface CostPoint {
  digest: string;
  window_end: string;
  cost_usd: number;
  tokens: number;
  requests: number;
}

/**
 * What the console knows from the event streams, in memory: per model and arm the last hour of
 * requests, errors and latencies; the recent shadow pairs; the cost rollups. Emits `change`
 * (model) so the live pages can push an update.
 */
export class LiveStats extends EventEmitter {
  private readonly arms = new Map<string, Map<string, ArmSeries>>();
  private readonly pairs = new Map<string, ShadowPairEvent[]>();
  private readonly rollups = new Map<string, CostPoint[]>();

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.setMaxListeners(0);
  }

  inference(e: InferenceEvent): void {
    if (e.role === 'shadow') return; // a shadow answer reached no user: the Shadow page shows it
    const byArm = this.arms.get(e.model) ?? new Map<string, ArmSeries>();
    this.arms.set(e.model, byArm);
    const s: ArmSeries = byArm.get(e.arm) ?? { digest: e.digest, role: e.role, seconds: new Map(), latencies: [] };
    byArm.set(e.arm, s);
    s.digest = e.digest;
    s.role = e.role;
    const t = Date.parse(e.time);
    const sec = Math.floor(t / 1000);
    const c = s.seconds.get(sec) ?? { n: 0, errors: 0 };
    c.n++;
    if (e.status === 'error') c.errors++;
    s.seconds.set(sec, c);
    s.latencies.push([t, e.latency_ms]);
    if (s.latencies.length > MAX_LATENCIES) s.latencies.splice(0, s.latencies.length - MAX_LATENCIES);
    this.emit('change', e.model);
  }

  shadow(p: ShadowPairEvent): void {
    const list = this.pairs.get(p.model) ?? [];
    list.push(p);
    if (list.length > MAX_PAIRS) list.splice(0, list.length - MAX_PAIRS);
    this.pairs.set(p.model, list);
  }

  cost(model: string, point: CostPoint): void {
    const list = this.rollups.get(model) ?? [];
    list.push(point);
    if (list.length > MAX_ROLLUPS) list.splice(0, list.length - MAX_ROLLUPS);
    this.rollups.set(model, list);
  }

  registryChanged(model: string): void {
    this.emit('change', model);
  }

  shadowPairs(model: string): ShadowPairEvent[] {
    return this.pairs.get(model) ?? [];
  }

  costPoints(model: string): CostPoint[] {
    return this.rollups.get(model) ?? [];
  }

  /** Per arm of the model, the figures the Models and Traffic pages show. */
  armStats(model: string): ArmStats[] {
    const nowMs = this.now();
    const nowS = Math.floor(nowMs / 1000);
    const out: ArmStats[] = [];
    for (const [arm, s] of this.arms.get(model) ?? []) {
      let requests = 0;
      let errors = 0;
      let recentN = 0;
      let recentErr = 0;
      for (const [sec, c] of s.seconds) {
        if (sec <= nowS - HOUR_S) {
          s.seconds.delete(sec);
          continue;
        }
        requests += c.n;
        errors += c.errors;
        if (sec > nowS - RATE_WINDOW_S) {
          recentN += c.n;
          recentErr += c.errors;
        }
      }
      const recent = s.latencies.filter(([t]) => t > nowMs - P99_WINDOW_MS).map(([, l]) => l).sort((a, b) => a - b);
      const series: ArmStats['series'] = [];
      for (let m = 29; m >= 0; m--) {
        // 10-second steps over the last 5 minutes.
        let n = 0;
        let err = 0;
        for (let k = 0; k < 10; k++) {
          const c = s.seconds.get(nowS - m * 10 - k);
          n += c?.n ?? 0;
          err += c?.errors ?? 0;
        }
        series.push({ t: new Date((nowS - m * 10) * 1000).toISOString(), rps: n / 10, errors: err / 10 });
      }
      out.push({
        arm,
        digest: s.digest,
        role: s.role,
        requests_last_hour: requests,
        errors_last_hour: errors,
        req_per_s: recentN / RATE_WINDOW_S,
        errors_per_s: recentErr / RATE_WINDOW_S,
        p99_ms: recent.length ? recent[Math.min(recent.length - 1, Math.ceil(0.99 * recent.length) - 1)] : null,
        series,
      });
    }
    return out.sort((a, b) => a.arm.localeCompare(b.arm));
  }

  requestsLastHour(model: string): number {
    return this.armStats(model).reduce((s, a) => s + a.requests_last_hour, 0);
  }
}
