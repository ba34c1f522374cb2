import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { LynxError, PromoteRequest, RegisterVersionRequest, RollbackRequest, ServedResponse, TagsPatchRequest, UsageRollupRequest } from '@lynx/schema';
import { RegistryTransport, type RegistryClientOptions } from './transport';
import type {
  AliasMoveAnswer,
  AliasMove,
  AuditEntry,
  BaselineSummary,
  ManifestAnswer,
  ModelSummary,
  PutTrafficBody,
  TagsAnswer,
  TrafficChange,
  TrafficRecord,
  VerdictAnswer,
  VersionPage,
  VersionRecord,
} from './types';

const enc = encodeURIComponent;
const m = (model: string) => `/v1/models/${enc(model)}`;
const v = (model: string, ref: string) => `${m(model)}/versions/${enc(ref)}`;
const query = (q: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams(Object.entries(q).flatMap(([k, x]): Array<[string, string]> => (x === undefined || x === '' ? [] : [[k, String(x)]]))).toString();
  return s ? `?${s}` : '';
};

/** Not a model-level 404 (the model exists, the thing asked for does not). */
const notModel = (err: LynxError) => err.code !== 'model_not_found';

/**
 * The registry's REST API, typed, for every app, the CLI and the console: base URL and token
 * once (LYNX_REGISTRY_URL, LYNX_TOKEN), one retry policy, errors as libs/schema's named errors.
 */
export class RegistryClient {
  readonly http: RegistryTransport;

  constructor(
    private readonly opts: RegistryClientOptions = {},
    http?: RegistryTransport,
  ) {
    this.http = http ?? new RegistryTransport(opts);
  }

  get url(): string {
    return this.http.url;
  }

  get token(): string | undefined {
    return this.http.token;
  }

  /** The same client acting as someone else (their Authorization header, e.g. a console user's). */
  as(authorization: string | undefined): RegistryClient {
    return new RegistryClient(this.opts, this.http.as(authorization, this.opts));
  }

  close(): Promise<void> {
    return this.http.close();
  }

  // Models and versions

  listModels(): Promise<{ models: ModelSummary[] }> {
    return this.http.json('GET', '/v1/models');
  }

  /** One page of a model's versions; `filters` are the listing's query parameters (tag, alias, since…). */
  versions(model: string, page: { limit?: number | string; cursor?: string | null; [filter: string]: string | number | null | undefined } = {}): Promise<VersionPage> {
    const q = Object.fromEntries(Object.entries(page).map(([k, x]) => [k, x ?? undefined]));
    return this.http.json('GET', `${m(model)}/versions${query(q)}`);
  }

  /** Every version of a model, following the cursor. */
  async allVersions(model: string, filters: Record<string, string> = {}): Promise<VersionRecord[]> {
    const out: VersionRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: VersionPage = await this.versions(model, { limit: 200, ...filters, cursor });
      out.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  /** A version by digest, digest prefix, semver or alias. */
  version(model: string, ref: string): Promise<VersionRecord> {
    return this.http.json('GET', v(model, ref));
  }

  /** Like version, but undefined when the registry does not know it. */
  findVersion(model: string, ref: string): Promise<VersionRecord | undefined> {
    return this.http.optional(v(model, ref));
  }

  /** The digest an alias (or any ref) resolves to. */
  async resolve(model: string, ref: string): Promise<string> {
    return (await this.version(model, ref)).digest;
  }

  /** The version an alias points to, alone (no evaluations, verdicts or serving figures). */
  aliasVersion(model: string, alias: string): Promise<VersionRecord> {
    return this.http.json('GET', `${m(model)}/aliases/${enc(alias)}`);
  }

  /** The production digest, or null while the model has none (an unknown model is still an error). */
  async production(model: string): Promise<string | null> {
    return (await this.http.optional<VersionRecord>(`${m(model)}/aliases/production`, notModel))?.digest ?? null;
  }

  manifest(model: string, ref: string): Promise<ManifestAnswer> {
    return this.http.json('GET', `${v(model, ref)}/manifest`);
  }

  /** Registers a version whose blobs are uploaded; answers the version (201 new, 200 known). */
  registerVersion(model: string, body: Omit<RegisterVersionRequest, 'lineage'> & { lineage: Record<string, unknown> }): Promise<VersionRecord> {
    return this.http.json('POST', `${m(model)}/versions`, body);
  }

  patchTags(model: string, ref: string, body: Partial<TagsPatchRequest>): Promise<TagsAnswer> {
    return this.http.json('PATCH', `${v(model, ref)}/tags`, body);
  }

  /** A version's lineage (its data, parent and runs), as of `at` when given. */
  lineage<T = unknown>(model: string, ref: string, at?: string): Promise<T> {
    return this.http.json('GET', `/v1/lineage/${enc(model)}/${enc(ref)}${query({ at })}`);
  }

  addEvaluation(model: string, ref: string, result: unknown): Promise<Record<string, unknown>> {
    return this.http.json('POST', `${v(model, ref)}/evaluations`, result);
  }

  // Aliases

  promote(model: string, body: PromoteRequest): Promise<AliasMoveAnswer & { semver: string }> {
    return this.http.json('POST', `${m(model)}/promote`, body);
  }

  rollback(model: string, body: RollbackRequest): Promise<AliasMoveAnswer> {
    return this.http.json('POST', `${m(model)}/rollback`, body);
  }

  async aliasHistory(model: string, alias: string): Promise<AliasMove[]> {
    return (await this.http.json<{ moves: AliasMove[] }>('GET', `${m(model)}/aliases/${enc(alias)}/history`)).moves;
  }

  // Traffic

  traffic(model: string): Promise<TrafficRecord> {
    return this.http.json('GET', `/v1/traffic/${enc(model)}`);
  }

  putTraffic(model: string, body: PutTrafficBody): Promise<TrafficRecord> {
    return this.http.json('PUT', `/v1/traffic/${enc(model)}`, body);
  }

  /** The plan's changes, oldest first, each with its reason. */
  async trafficHistory(model: string): Promise<TrafficChange[]> {
    return (await this.http.json<{ changes: TrafficChange[] }>('GET', `/v1/traffic/${enc(model)}/history`)).changes;
  }

  // Usage

  served(model: string, page: { cursor?: string | null; limit?: number } = {}): Promise<ServedResponse> {
    return this.http.json('GET', `${m(model)}/served${query({ cursor: page.cursor ?? undefined, limit: page.limit })}`);
  }

  /** Serving figures of these digests only (at most SERVED_DIGESTS_MAX; more is too_many_digests). */
  servedOf(model: string, digests: readonly string[]): Promise<ServedResponse> {
    const q = new URLSearchParams(digests.map((d): [string, string] => ['digest', d])).toString();
    return this.http.json('GET', `${m(model)}/served?${q}`);
  }

  /** Posts a usage rollup (the registry ignores a rollup id it has); answers the HTTP status. */
  async postUsage(model: string, digest: string, body: UsageRollupRequest): Promise<number> {
    const res = await this.http.send('POST', `${v(model, digest)}/usage`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (res.statusCode >= 400) return this.http.fail(res, `usage of ${model}@${digest}`);
    await res.body.dump();
    return res.statusCode;
  }

  // Gate: baselines and verdicts

  /** The model's current registered baseline (without its outcomes); NotFound while none is. */
  baseline<T = BaselineSummary>(model: string): Promise<T> {
    return this.http.json('GET', `${m(model)}/baselines/current`);
  }

  /** The model's registered baseline (without its outcomes), or null while none is registered. */
  async currentBaseline(model: string): Promise<BaselineSummary | null> {
    return (await this.http.optional<BaselineSummary>(`${m(model)}/baselines/current`, notModel)) ?? null;
  }

  /** Every registered baseline of the model, oldest first. */
  async baselines<T = BaselineSummary>(model: string): Promise<T[]> {
    return (await this.http.json<{ baselines: T[] }>('GET', `${m(model)}/baselines`)).baselines;
  }

  postBaseline<T = Record<string, unknown>>(model: string, body: unknown): Promise<T> {
    return this.http.json('POST', `${m(model)}/baselines`, body);
  }

  recordVerdict(model: string, body: unknown): Promise<VerdictAnswer> {
    return this.http.json('POST', `${m(model)}/verdicts`, body);
  }

  /** A recorded verdict as the registry keeps it (with its source and its own recomputation). */
  verdict(model: string, id: string): Promise<Record<string, unknown>> {
    return this.http.json('GET', `${m(model)}/verdicts/${enc(id)}`);
  }

  /** One page of the audit log, newest first; next_before_id asks for the page after it. */
  auditPage(filter: { model?: string; limit?: number | string; before_id?: number | string } = {}): Promise<{ entries: AuditEntry[]; next_before_id: number | null }> {
    return this.http.json('GET', `/v1/audit${query(filter)}`);
  }

  /** The newest audit entries (one page). */
  async audit(filter: { model?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    return (await this.auditPage(filter)).entries;
  }

  // Blobs (OCI shape: PUT by digest)

  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.http.send('HEAD', `/v1/blobs/${digest}`);
    if (res.statusCode === 404) return (await res.body.dump(), false);
    if (res.statusCode >= 400) return this.http.fail(res, `blob ${digest}`);
    await res.body.dump();
    return true;
  }

  /** Uploads a blob; `open` makes the body, again if the connection failed (a PUT by digest is idempotent). */
  async putBlob(digest: string, open: () => Readable | Buffer, size: number): Promise<void> {
    const res = await this.http.send('PUT', `/v1/blobs/${digest}`, {
      body: open as () => Readable,
      idempotent: true,
      streaming: true,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    });
    if (res.statusCode >= 400) return this.http.fail(res, `blob upload ${digest}`);
    await res.body.dump();
  }

  /** A blob's bytes as they stream; `what` names it in errors. */
  async getBlob(digest: string, what = `blob ${digest}`): Promise<Dispatcher.ResponseData['body']> {
    const res = await this.http.send('GET', `/v1/blobs/${digest}`, { streaming: true });
    if (res.statusCode >= 400) return this.http.fail(res, what);
    return res.body;
  }
}
