import type { Redis } from 'ioredis';
import { PROFILED_SCALARS, SCALARS, splitCategory, type Scalar } from '../features/features';
import type { WindowAggregate } from '../reports/window-aggregate';
import { StoreStateLostError } from '@lynx/schema';
import { IngestBatch, type IngestRecord } from './ingest-batch';
import { INGEST_LUA, RECOVER_LUA, ROTATE_LUA } from './scripts';

export type { IngestRecord } from './ingest-batch';

export interface WindowMeta {
  id: string;
  start: string;
  end?: string;
}

export interface WindowStoreOptions {
  /** How long an event id is remembered (redelivery and duplicate guard). */
  dedupTtlMs: number;
  reservoir: number;
  textReservoir: number;
  maxCategories: number;
  /**
   * Refuse to count while Redis has lost its data (see recover). The app sets it; benches and
   * tests that drive the store alone leave it off.
   */
  guardEpoch?: boolean;
}

export const member = (model: string, digest: string) => `${model}|${digest}`;
export const splitMember = (m: string): [string, string] => m.split('|') as [string, string];

const iso = (ms: string | number) => new Date(Number(ms)).toISOString();

/**
 * Window aggregates in Redis under `<prefix>:` (prefix = `<namespace>:drift`):
 *   window                     hash {id, start}: the open window
 *   wmeta:<wid>                hash {id, start, end}: a closed window
 *   windows                    list of closed window ids, newest first
 *   seen:<period>              set of event ids seen in that period of dedupTtlMs (dedup marks);
 *                              expires two periods after the period starts
 *   w:<wid>:members            set of `<model>|<digest>`
 *   w:<wid>:<member>:n|cat|bin hashes of counts; :res and :txt reservoir lists
 *   epoch                      set at start; missing means Redis lost its data (recover)
 * Every structure is bounded by categories, bins and reservoir sizes; only the dedup markers
 * grow with traffic, and they expire.
 */
export class WindowStore {
  private readonly ingestSha: Promise<string>;
  private readonly rotateSha: Promise<string>;
  private readonly recoverSha: Promise<string>;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    private readonly opts: WindowStoreOptions,
  ) {
    this.ingestSha = redis.script('LOAD', INGEST_LUA) as Promise<string>;
    this.rotateSha = redis.script('LOAD', ROTATE_LUA) as Promise<string>;
    this.recoverSha = redis.script('LOAD', RECOVER_LUA) as Promise<string>;
    // Load failures surface on first use.
    this.ingestSha.catch(() => undefined);
    this.rotateSha.catch(() => undefined);
    this.recoverSha.catch(() => undefined);
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  /** Applies a batch atomically; events already seen are skipped. */
  async ingest(records: readonly IngestRecord[] | IngestBatch, now = Date.now()): Promise<{ added: number; duplicates: number; windowId: string }> {
    const batch = records instanceof IngestBatch ? records : IngestBatch.of(records);
    let r = (await this.evalsha(this.ingestSha, INGEST_LUA, 0, this.ingestArgs(batch, false, now))) as [number, number, string];
    // The batch holds a redelivered event: sent again with each event's fields so its counts come out.
    if (r[0] === -1) r = (await this.evalsha(this.ingestSha, INGEST_LUA, 0, this.ingestArgs(batch, true, now))) as [number, number, string];
    if (r[0] === -2) throw new StoreStateLostError('redis lost the drift aggregates; the open window is being rebuilt from the stream', { prefix: this.prefix });
    const [added, duplicates, windowId] = r;
    return { added, duplicates, windowId };
  }

  private ingestArgs(b: IngestBatch, withEventFields: boolean, now: number): Array<string | number> {
    const args: Array<string | number> = [
      this.prefix,
      this.opts.dedupTtlMs,
      this.opts.reservoir,
      this.opts.textReservoir,
      this.opts.maxCategories,
      `w-${now}`,
      now,
      b.members.length,
      b.fieldName.length,
      b.size,
      withEventFields ? 1 : 0,
      this.opts.guardEpoch ? this.key('epoch') : '',
      ...b.members,
    ];
    for (let f = 0; f < b.fieldName.length; f++) args.push(b.fieldMember[f] + 1, b.fieldKind[f], b.fieldName[f], b.fieldCount[f]);
    for (let k = 0; k < b.size; k++) {
      args.push(b.ids[k], b.eventMember[k] + 1, b.u[k], b.samples[k], b.texts[k]);
      if (withEventFields) args.push(b.eventFieldList(k));
    }
    return args;
  }

  /** Marks what Redis holds now as the state to keep (at start, before counting). */
  async markEpoch(now = Date.now()): Promise<void> {
    await this.redis.set(this.key('epoch'), String(now));
  }

  /**
   * When Redis lost its data (the epoch mark is gone): marks it again and restores `open` as the
   * open window, atomically; true when it did, so the caller replays the window's events.
   */
  async recover(open: { id: string; startMs: number }, now = Date.now()): Promise<boolean> {
    const done = (await this.evalsha(this.recoverSha, RECOVER_LUA, 2, [this.key('epoch'), this.key('window'), open.id, open.startMs, now])) as number;
    if (done === 1) for (const fn of this.recovered) fn();
    return done === 1;
  }

  private readonly recovered: Array<() => void> = [];

  /** Runs `fn` after each recovery (e.g. re-register what lived in Redis besides aggregates). */
  onRecovered(fn: () => void): void {
    this.recovered.push(fn);
  }

  private async evalsha(sha: Promise<string>, source: string, numKeys: number, args: Array<string | number>): Promise<unknown> {
    try {
      return await this.redis.evalsha(await sha, numKeys, ...args);
    } catch (err) {
      // After a Redis restart or SCRIPT FLUSH the cached script is gone.
      if (!/NOSCRIPT/.test(String((err as Error).message))) throw err;
      return this.redis.eval(source, numKeys, ...args);
    }
  }

  /** The open window, created now if there is none yet. */
  async currentWindow(now = Date.now()): Promise<WindowMeta> {
    await this.redis.hsetnx(this.key('window'), 'id', `w-${now}`);
    await this.redis.hsetnx(this.key('window'), 'start', String(now));
    const h = await this.redis.hgetall(this.key('window'));
    return { id: h.id, start: iso(h.start) };
  }

  /** Closes `windowId` if it is still the open window; returns its meta, or null when it is not open. */
  async rotate(windowId: string, now = Date.now()): Promise<WindowMeta | null> {
    const current = await this.redis.hget(this.key('window'), 'id');
    let next = `w-${now}`;
    if (next === current) next = `w-${now + 1}`;
    const start = (await this.evalsha(this.rotateSha, ROTATE_LUA, 3, [
      this.key('window'),
      this.key('wmeta', windowId),
      this.key('windows'),
      windowId,
      next,
      now,
    ])) as string | null;
    return start === null ? null : { id: windowId, start: iso(start), end: iso(now) };
  }

  async windowMeta(windowId: string): Promise<WindowMeta | null> {
    const h = await this.redis.hgetall(this.key('wmeta', windowId));
    if (!h.id) return null;
    return { id: h.id, start: iso(h.start), end: h.end ? iso(h.end) : undefined };
  }

  /** The closed window before `windowId`, or null. */
  async previousWindowId(windowId: string): Promise<string | null> {
    const ids = await this.redis.lrange(this.key('windows'), 0, 999);
    const i = ids.indexOf(windowId);
    return i >= 0 && i + 1 < ids.length ? ids[i + 1] : null;
  }

  async closedWindowIds(): Promise<string[]> {
    return this.redis.lrange(this.key('windows'), 0, 999);
  }

  async members(windowId: string): Promise<string[]> {
    return (await this.redis.smembers(this.key('w', windowId, 'members'))).sort();
  }

  /** Reads one (model, digest) aggregate of a window: a few bounded hashes and lists. */
  async readAggregate(windowId: string, m: string): Promise<WindowAggregate> {
    const base = this.key('w', windowId, m);
    const [n, cat, bin, res, txt] = (await this.redis
      .multi()
      .hgetall(`${base}:n`)
      .hgetall(`${base}:cat`)
      .hgetall(`${base}:bin`)
      .lrange(`${base}:res`, 0, -1)
      .lrange(`${base}:txt`, 0, -1)
      .exec())!.map(([err, v]) => {
      if (err) throw err;
      return v;
    }) as [Record<string, string>, Record<string, string>, Record<string, string>, string[], string[]];
    const [model, digest] = splitMember(m);
    const categorical: WindowAggregate['categorical'] = {};
    for (const [field, v] of Object.entries(cat)) {
      const [feature, bucket] = splitCategory(field);
      (categorical[feature] ??= {})[bucket] = Number(v);
    }
    const bins: WindowAggregate['bins'] = {};
    for (const [field, v] of Object.entries(bin)) {
      const [scalar, index] = field.split('#') as [Scalar, string];
      if (!PROFILED_SCALARS.includes(scalar)) continue;
      const arr = (bins[scalar] ??= []);
      while (arr.length <= Number(index)) arr.push(0);
      arr[Number(index)] = Number(v);
    }
    const samples: WindowAggregate['samples'] = {};
    SCALARS.forEach((s, i) => (samples[s] = res.map((line) => Number(line.split(',')[i]))));
    const flags = Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'count').map(([k, v]) => [k, Number(v)]));
    return { windowId, model, digest, count: Number(n.count ?? 0), flags, categorical, bins, samples, texts: txt };
  }

  /** Pads bin arrays to the reference's bin count (bins never hit stay absent in Redis). */
  static padBins(agg: WindowAggregate, binsPerScalar: Partial<Record<Scalar, number>>): WindowAggregate {
    for (const [s, k] of Object.entries(binsPerScalar) as Array<[Scalar, number]>) {
      const arr = agg.bins[s];
      if (arr) while (arr.length < k) arr.push(0);
    }
    return agg;
  }

  /** Deletes a window's aggregates (kept until the window after it has been compared with it). */
  async dropWindow(windowId: string): Promise<void> {
    const members = await this.members(windowId);
    const keys = members.flatMap((m) => ['n', 'cat', 'bin', 'res', 'txt'].map((s) => this.key('w', windowId, m, s)));
    keys.push(this.key('w', windowId, 'members'));
    await this.redis.unlink(...keys);
  }
}
