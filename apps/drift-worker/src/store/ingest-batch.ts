/** One event as the window store takes it. */
export interface IngestRecord {
  id: string;
  /** `<model>|<digest>`. */
  member: string;
  /** Uniform in [0, 1): the reservoir draw. */
  u: number;
  /** Scalars in SCALARS order, comma-joined. */
  sample: string;
  text: string;
  categories: readonly string[];
  /** `<scalar>#<bin index>` for scalars the reference profile bins. */
  bins: readonly string[];
  flags: readonly string[];
}

/** Which hash of a member a counted field goes to (`<member>:n`, `:cat`, `:bin`). */
export type FieldKind = 'n' | 'cat' | 'bin';

/**
 * A batch of events folded into counts before it goes to Redis: each distinct (member, hash,
 * field) once with its sum, so the script does one HINCRBY per distinct field instead of several
 * per event. Per event only what cannot be summed stays: its id (dedup), member, reservoir draw,
 * sample and text; and, in a flat array, which fields it counted, so the script can take a
 * redelivered event's counts back out. Adding an event allocates nothing once its fields have
 * been seen in the batch.
 */
export class IngestBatch {
  readonly members: string[] = [];
  readonly fieldMember: number[] = [];
  readonly fieldKind: FieldKind[] = [];
  readonly fieldName: string[] = [];
  readonly fieldCount: number[] = [];
  readonly ids: string[] = [];
  readonly eventMember: number[] = [];
  readonly u: number[] = [];
  readonly samples: string[] = [];
  readonly texts: string[] = [];
  /** Field indexes counted by event k: eventFields[eventEnd[k - 1] .. eventEnd[k]). */
  readonly eventFields: number[] = [];
  readonly eventEnd: number[] = [];
  private readonly memberIndex = new Map<string, number>();
  private readonly fieldIndex: Array<Record<FieldKind, Map<string, number>>> = [];

  get size(): number {
    return this.ids.length;
  }

  static of(records: readonly IngestRecord[]): IngestBatch {
    const b = new IngestBatch();
    for (const r of records) b.add(r);
    return b;
  }

  add(r: IngestRecord): void {
    let m = this.memberIndex.get(r.member);
    if (m === undefined) {
      m = this.members.length;
      this.members.push(r.member);
      this.memberIndex.set(r.member, m);
      this.fieldIndex.push({ n: new Map(), cat: new Map(), bin: new Map() });
    }
    this.ids.push(r.id);
    this.eventMember.push(m);
    this.u.push(r.u);
    this.samples.push(r.sample);
    this.texts.push(r.text);
    this.count(m, 'n', 'count');
    for (let i = 0; i < r.flags.length; i++) this.count(m, 'n', r.flags[i]);
    for (let i = 0; i < r.categories.length; i++) this.count(m, 'cat', r.categories[i]);
    for (let i = 0; i < r.bins.length; i++) this.count(m, 'bin', r.bins[i]);
    this.eventEnd.push(this.eventFields.length);
  }

  private count(m: number, kind: FieldKind, name: string): void {
    const index = this.fieldIndex[m][kind];
    let f = index.get(name);
    if (f === undefined) {
      f = this.fieldName.length;
      index.set(name, f);
      this.fieldMember.push(m);
      this.fieldKind.push(kind);
      this.fieldName.push(name);
      this.fieldCount.push(0);
    }
    this.fieldCount[f]++;
    this.eventFields.push(f);
  }

  /** The fields event k counted, as the script's ARGV takes them: 1-based indexes joined by '.'. */
  eventFieldList(k: number): string {
    const from = k === 0 ? 0 : this.eventEnd[k - 1];
    let s = '';
    for (let i = from; i < this.eventEnd[k]; i++) s += (i === from ? '' : '.') + (this.eventFields[i] + 1);
    return s;
  }
}
