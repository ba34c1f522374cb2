import { inferenceEventSchema } from '@lynx/schema';
import { PROFILED_SCALARS, SCALARS, binIndex, sentenceFeatures, type Scalar, type SentenceFeatures } from '../features/features';
import type { ReferenceProfile } from '../profiles/profile';
import type { DocStore } from '../store/doc-store';
import { IngestBatch } from '../store/ingest-batch';
import { member, type WindowStore } from '../store/window-store';

export interface BatchOutcome {
  added: number;
  duplicates: number;
  invalid: Array<{ index: number; reason: string }>;
  /** Valid events whose digest had no reference profile when they were counted. */
  unknownDigest: number;
  windowId: string | null;
}

type Edges = Partial<Record<(typeof SCALARS)[number], number[]>>;

/** An event after decoding and feature extraction: what aggregation needs of it. */
export interface ExtractedEvent {
  id: string;
  model: string;
  digest: string;
  /** The learner's sentence (the text reservoir). */
  text: string;
  error: boolean;
  features: SentenceFeatures;
}

const SCALAR_INDEX = Object.fromEntries(SCALARS.map((s, i) => [s, i])) as Record<Scalar, number>;
// `<scalar>#<bin>` field names, made once per (scalar, bin) rather than once per event.
const BIN_NAMES = new Map<Scalar, string[]>();
function binName(s: Scalar, i: number): string {
  let names = BIN_NAMES.get(s);
  if (!names) BIN_NAMES.set(s, (names = []));
  return (names[i] ??= `${s}#${i}`);
}

/** How long a digest's profile (or its absence) is trusted before Redis is asked again. */
const PROFILE_CACHE_MS = 5000;

/**
 * Event bytes → features → one atomic Redis call per batch. Bin edges come from the version's
 * reference profile, cached in memory per digest; events of a digest without a profile are
 * still counted (histograms and reservoirs) and flagged `unknown_digest`.
 */
export class IngestPipeline {
  private readonly edges = new Map<string, { at: number; edges: Edges | null }>();
  /** Every profile this worker binned with, so a Redis that lost them can be given them back. */
  private readonly profiles = new Map<string, ReferenceProfile>();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly windows: WindowStore,
    private readonly docs: DocStore,
    private readonly random: () => number = Math.random,
  ) {}

  async process(batch: readonly Uint8Array[], now = Date.now()): Promise<BatchOutcome> {
    const events: ExtractedEvent[] = [];
    const invalid: BatchOutcome['invalid'] = [];
    for (let index = 0; index < batch.length; index++) {
      let json: unknown;
      try {
        json = JSON.parse(this.decoder.decode(batch[index]));
      } catch (err) {
        invalid.push({ index, reason: `not JSON: ${(err as Error).message}` });
        continue;
      }
      const parsed = inferenceEventSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        invalid.push({ index, reason: `schema: ${issue.path.join('.') || '(root)'}: ${issue.message}` });
        continue;
      }
      const e = parsed.data;
      events.push({ id: e.event_id, model: e.model, digest: e.digest, text: e.input, error: e.status === 'error', features: sentenceFeatures(e.input, e.output, e.latency_ms) });
    }
    return { ...(await this.aggregate(events, now)), invalid };
  }

  /**
   * Events whose features are extracted → one atomic Redis call: the second half of `process`,
   * apart so the cost of aggregation can be measured on its own (bench/peers). Per event: bin
   * lookups against cached edges and additions to the batch's sums; the bin and flag names are
   * shared strings, so nothing is allocated per event here.
   */
  async aggregate(events: readonly ExtractedEvent[], now = Date.now()): Promise<Omit<BatchOutcome, 'invalid'>> {
    const batch = new IngestBatch();
    let unknownDigest = 0;
    const flags: string[] = [];
    const bins: string[] = [];
    let memberKey = '';
    let memberOf = { model: '', digest: '' };
    for (const e of events) {
      if (e.model !== memberOf.model || e.digest !== memberOf.digest) {
        memberOf = { model: e.model, digest: e.digest };
        memberKey = member(e.model, e.digest);
      }
      const f = e.features;
      const hit = this.edges.get(e.digest);
      // A cache hit stays synchronous: one microtask per event would cost more than the lookup.
      const edges = hit && now - hit.at < PROFILE_CACHE_MS ? hit.edges : await this.edgesFor(e.digest, now);
      flags.length = 0;
      bins.length = 0;
      if (!edges) {
        flags.push('unknown_digest');
        unknownDigest++;
      }
      if (!f.hasVerb) flags.push('no_verb');
      if (e.error) flags.push('error');
      if (edges) {
        for (let i = 0; i < PROFILED_SCALARS.length; i++) {
          const s = PROFILED_SCALARS[i];
          const ed = edges[s];
          if (ed) bins.push(binName(s, binIndex(ed, f.scalars[SCALAR_INDEX[s]])));
        }
      }
      batch.add({ id: e.id, member: memberKey, u: this.random(), sample: f.scalars.join(','), text: e.text, categories: f.categories, bins, flags });
    }
    if (batch.size === 0) return { added: 0, duplicates: 0, unknownDigest, windowId: null };
    const r = await this.windows.ingest(batch, now);
    return { added: r.added, duplicates: r.duplicates, unknownDigest, windowId: r.windowId };
  }

  private async edgesFor(digest: string, now: number): Promise<Edges | null> {
    const hit = this.edges.get(digest);
    if (hit && now - hit.at < PROFILE_CACHE_MS) return hit.edges;
    const profile = await this.docs.getProfile(digest);
    if (profile) this.profiles.set(digest, profile);
    const edges = profile ? (Object.fromEntries(Object.entries(profile.scalars).map(([k, v]) => [k, v.edges])) as Edges) : null;
    this.edges.set(digest, { at: now, edges });
    return edges;
  }

  /** The profiles this worker has binned events with (see profiles). */
  knownProfiles(): ReferenceProfile[] {
    return [...this.profiles.values()];
  }

  /** Forget cached profiles (a profile was just built). */
  invalidate(digest?: string): void {
    if (digest) this.edges.delete(digest);
    else this.edges.clear();
  }
}
