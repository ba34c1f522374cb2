import { Inject, Injectable } from '@nestjs/common';
import { digestFromFiles, validateManifestFiles } from '@lynx/bundle';
import { LINEAGE_EMITTER, LineageEmitter, modelDataset, type Principal, type UpstreamRules } from '@lynx/platform';
import { MissingBlobsError, ValidationError, modelNameSchema, type RegisterVersionRequest, type TagsPatchRequest } from '@lynx/schema';
import { BlobsService } from '../blobs/blobs.service';
import { DomainMetrics } from '../metrics/domain-metrics';
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
    @Inject(LINEAGE_EMITTER) private readonly lineage: LineageEmitter,
    @Inject(DomainMetrics) private readonly metrics: DomainMetrics,
    @Inject(UPSTREAM_RULES) private readonly upstreams: UpstreamRules,
  ) {}

  /**
   * Validates every path, checks every blob is held with the declared size, recomputes the
   * bundle digest and stores the version; all checks come before the one write.
   */
  async register(model: string, body: RegisterVersionRequest, who: Principal) {
    checkModelName(model);
    checkTagWrite(body.tags ?? {}, body.tags ?? {}, who, this.upstreams.allowed);
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
    const data = body.lineage.data.map((d) => ({ namespace: 'lynx-data', name: d.uri ?? d.name, version: d.dvc?.md5 ?? d.digest, type: 'FILE' as const }));
    const registered = await this.lineage.run(
      'register',
      { inputs: data, outputs: [modelDataset(model, digest)], details: { model, run_id: body.lineage.run_id ?? null, mlflow_run_id: body.lineage.mlflow?.run_id ?? null, actor: who.name } },
      () =>
        this.store.registerVersion(
          { model, digest, manifest: { files }, lineage: body.lineage, metrics: body.metrics, tags: body.tags, description: body.description },
          { actor: who.name, role: who.role },
        ),
    );
    this.metrics.pushes.inc({ model, created: String(registered.created) });
    return registered;
  }

  /**
   * Sets and removes tags of one version. Every key is checked (tag-policy) before anything is
   * written; a key both set and unset is refused, since either reading would surprise someone.
   */
  async editTags(model: string, ref: string, body: TagsPatchRequest, who: Principal) {
    const both = body.unset.filter((k) => k in body.set);
    if (both.length) throw new ValidationError(`tags both set and unset: ${both.join(', ')}`, { keys: both });
    if (Object.keys(body.set).length === 0 && body.unset.length === 0) throw new ValidationError('nothing to change: give tags to set or keys to unset');
    const version = await this.store.resolve(model, ref);
    const after: Record<string, string> = { ...version.tags, ...body.set };
    for (const k of body.unset) delete after[k];
    checkTagWrite({ ...Object.fromEntries(body.unset.map((k) => [k, null])), ...body.set }, after, who, this.upstreams.allowed);
    const change = await this.store.setTags(
      { model, digest: version.digest, set: body.set, unset: body.unset, ...(body.reason ? { reason: body.reason } : {}) },
      { actor: who.name, role: who.role },
    );
    if (change.changed.length) this.metrics.tagEdits.inc({ model });
    return { model, digest: version.digest, tags: change.version.tags, before: change.before, changed: change.changed };
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
