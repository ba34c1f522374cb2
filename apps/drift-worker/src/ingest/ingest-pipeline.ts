import { inferenceEventSchema } from '@lynx/schema';
import { PROFILED_SCALARS, SCALARS, binIndex, sentenceFeatures } from '../features/features';
import type { ReferenceProfile } from '../profiles/profile';
import type { DocStore } from '../store/doc-store';
import { member, type IngestRecord, type WindowStore } from '../store/window-store';

export interface BatchOutcome {
  added: number;
  duplicates: number;
  invalid: Array<{ index: number; reason: string }>;
  /** Valid events whose digest had no reference profile when they were counted. */
  unknownDigest: number;
  windowId: string | null;
}

type Edges = Partial<Record<(typeof SCALARS)[number], number[]>>;

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
    const records: IngestRecord[] = [];
    const invalid: BatchOutcome['invalid'] = [];
    let unknownDigest = 0;
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
      const f = sentenceFeatures(e.input, e.output, e.latency_ms);
      const hit = this.edges.get(e.digest);
      // A cache hit stays synchronous: one microtask per event would cost more than the lookup.
      const edges = hit && now - hit.at < PROFILE_CACHE_MS ? hit.edges : await this.edgesFor(e.digest, now);
      const flags: string[] = [];
      if (!edges) {
        flags.push('unknown_digest');
        unknownDigest++;
      }
      if (!f.hasVerb) flags.push('no_verb');
      if (e.status === 'error') flags.push('error');
      const bins: string[] = [];
      if (edges) {
        for (const s of PROFILED_SCALARS) {
          const ed = edges[s];
          if (ed) bins.push(`${s}#${binIndex(ed, f.scalars[SCALARS.indexOf(s)])}`);
        }
      }
      records.push({
        id: e.event_id,
        member: member(e.model, e.digest),
        u: this.random(),
        sample: f.scalars.join(','),
        text: e.input,
        categories: f.categories,
        bins,
        flags,
      });
    }
    if (records.length === 0) return { added: 0, duplicates: 0, invalid, unknownDigest, windowId: null };
    const r = await this.windows.ingest(records, now);
    return { added: r.added, duplicates: r.duplicates, invalid, unknownDigest, windowId: r.windowId };
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
