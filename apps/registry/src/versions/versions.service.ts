import { Inject, Injectable } from '@nestjs/common';
import { digestFromFiles, validateManifestFiles } from '@lynx/bundle';
import type { Principal, UpstreamRules } from '@lynx/platform';
import { MissingBlobsError, ValidationError, modelNameSchema, type RegisterVersionRequest } from '@lynx/schema';
import { BlobsService } from '../blobs/blobs.service';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore, VersionFilter, VersionStatus } from '../store/registry-store';
import { UPSTREAM_RULES, checkTagWrite } from './tag-policy';

const STATUSES: VersionStatus[] = ['registered', 'production', 'superseded', 'rolled_back'];

export function checkModelName(name: string): string {
  if (!modelNameSchema.safeParse(name).success) {
    throw new ValidationError(`invalid model name ${JSON.stringify(name)}: 1-64 chars of a-z 0-9 . _ - starting with a letter or digit`, { model: name });
  }
  return name;
}

@Injectable()
export class VersionsService {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(BlobsService) private readonly blobs: BlobsService,
    @Inject(UPSTREAM_RULES) private readonly upstreams: UpstreamRules,
  ) {}

  /**
   * Validates every path, checks every blob is held with the declared size, recomputes the
   * bundle digest and stores the version; all checks come before the one write.
   */
  async register(model: string, body: RegisterVersionRequest, who: Principal) {
    checkModelName(model);
    checkTagWrite(body.tags ?? {}, who, this.upstreams.allowed);
    const files = validateManifestFiles(body.manifest.files);
    const digest = digestFromFiles(files);
    const stats = await Promise.all(files.map((f) => this.blobs.store.stat(f.digest)));
    const missing = files.filter((_, i) => !stats[i]).map((f) => ({ path: f.path, digest: f.digest }));
    if (missing.length) {
      throw new MissingBlobsError(`${missing.length} blob(s) of the manifest are not uploaded`, { missing });
    }
    const wrongSize = files.filter((f, i) => stats[i]?.size !== f.size).map((f, i) => ({ path: f.path, declared: f.size, actual: stats[i]?.size }));
    if (wrongSize.length) throw new ValidationError('manifest sizes do not match the uploaded blobs', { files: wrongSize });
    // A new version's version.registered event commits with it (outbox).
    return this.store.registerVersion(
      { model, digest, manifest: { files }, lineage: body.lineage, metrics: body.metrics, tags: body.tags, description: body.description },
      { actor: who.name, role: who.role },
    );
  }

  list(model: string, query: Record<string, string | undefined>) {
    const filter: VersionFilter = {};
    if (query.alias) filter.alias = query.alias;
    if (query.tag) filter.tag = query.tag;
    if (query.cursor) filter.cursor = query.cursor;
    if (query.status) {
      if (!STATUSES.includes(query.status as VersionStatus)) {
        throw new ValidationError(`status must be one of ${STATUSES.join(', ')}`, { status: query.status });
      }
      filter.status = query.status as VersionStatus;
    }
    if (query.limit) {
      const limit = Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError('limit must be an integer 1-500', { limit: query.limit });
      filter.limit = limit;
    }
    return this.store.listVersions(model, filter);
  }

  /** A version with everything known about it: aliases, lineage, evaluations, verdicts, serving stats. */
  async show(model: string, ref: string) {
    const version = await this.store.resolve(model, ref);
    const [evaluations, verdicts, served] = await Promise.all([
      this.store.listEvaluations(model, version.digest),
      this.store.listVerdicts(model, version.digest),
      this.store.servedVersion(model, version.digest),
    ]);
    return { ...version, evaluations, verdicts, serving: served ?? null };
  }

  async manifest(model: string, ref: string) {
    const version = await this.store.resolve(model, ref);
    const manifest = await this.store.getManifest(model, version.digest);
    return { model, digest: version.digest, files: manifest?.files ?? [] };
  }
}
