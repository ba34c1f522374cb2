import { readItems } from '@lynx/tutor';
import type { RegistryClient } from '../registry/registry-client';
import type { DocStore } from '../store/doc-store';
import type { IngestPipeline } from '../ingest/ingest-pipeline';
import { locateCorpus } from './corpus-locator';
import { buildProfile, type ReferenceProfile } from './profile';

/**
 * `lynx drift profile <model@ref>`: resolves the version in the registry, finds the corpus its
 * lineage names, measures it and stores the profile in Redis keyed by the version's digest. The
 * registry has no route to add metadata to an existing version (tags are set at registration),
 * so the drift worker is where a version's profile lives: GET /v1/drift/profiles/{digest}.
 */
export class ProfileService {
  constructor(
    private readonly registry: RegistryClient,
    private readonly docs: DocStore,
    private readonly pipeline: IngestPipeline,
    private readonly dataRoot: string,
  ) {}

  async build(model: string, ref: string, bins?: number): Promise<ReferenceProfile> {
    const version = await this.registry.getVersion(model, ref);
    const corpus = await locateCorpus(version.lineage, this.dataRoot);
    const items = await readItems(corpus.path);
    const profile = buildProfile({
      model,
      digest: version.digest,
      data: { name: corpus.entry.name, digest: corpus.entry.digest, uri: corpus.entry.uri },
      items,
      bins,
    });
    await this.docs.putProfile(profile);
    this.pipeline.invalidate(version.digest);
    return profile;
  }

  get(digest: string): Promise<ReferenceProfile | null> {
    return this.docs.getProfile(digest);
  }
}
