import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely';
import * as moves from './alias-moves';
import * as baselines from './baseline-queries';
import type { Database } from './db';
import { iso } from './mappers';
import { migrationProvider } from './migrations';
import { getOutcomes } from './outcomes';
import * as outbox from './outbox';
import * as records from './record-queries';
import type {
  Actor,
  AliasRecord,
  MoveAliasInput,
  NewBaseline,
  NewEvaluation,
  NewVerdict,
  NewVersion,
  PromoteInput,
  PutTrafficPlanInput,
  SetTagsInput,
  RegistryStore,
  RollbackInput,
  ServedFilter,
  UsageRollup,
  VersionFilter,
} from './registry-store';
import * as tagQueries from './tag-queries';
import * as usage from './usage-queries';
import * as versions from './version-queries';

/** RegistryStore over Kysely; the dialect (pg pool or PGlite) decides the backend. */
export class KyselyRegistryStore implements RegistryStore {
  // In-process signal to the outbox relay: "a commit just wrote an event", so it publishes now
  // instead of at its next poll.
  private readonly committed = new EventEmitter().setMaxListeners(0);

  /** `schema`: the PostgreSQL schema of this instance, where the migrator keeps its own tables. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly schema?: string,
  ) {}

  /** The underlying query builder, for tests that must bypass the store. */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  async migrate(): Promise<void> {
    // Kysely looks its migration tables up by name in every schema unless told which one: with a
    // second instance's schema on the same server it skipped creating its own and failed.
    const { error } = await new Migrator({ db: this.db, provider: migrationProvider, ...(this.schema ? { migrationTableSchema: this.schema } : {}) }).migrateToLatest();
    if (error) throw error;
  }

  close = () => this.db.destroy();

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  /** Runs a write and signals the relay once it has committed (also after a no-op, harmlessly). */
  private async signalled<T>(write: Promise<T>): Promise<T> {
    const result = await write;
    this.committed.emit('commit');
    return result;
  }

  onEventsCommitted(listener: () => void): () => void {
    this.committed.on('commit', listener);
    return () => this.committed.off('commit', listener);
  }

  registerVersion = (input: NewVersion, by: Actor) => this.signalled(versions.registerVersion(this.db, input, by));
  setTags = (input: SetTagsInput, by: Actor) => this.signalled(tagQueries.setTags(this.db, input, by));
  listModels = () => versions.listModels(this.db);
  listVersions = (model: string, filter?: VersionFilter) => versions.listVersions(this.db, model, filter);
  getVersion = (model: string, digest: string) => versions.getVersion(this.db, model, digest);
  getManifest = (model: string, digest: string) => versions.getManifest(this.db, model, digest);
  resolve = (model: string, ref: string) => versions.resolveRef(this.db, model, ref);
  childVersions = (model: string, digest: string) => versions.childVersions(this.db, model, digest);

  async getAliases(model: string): Promise<AliasRecord[]> {
    const rows = await this.db.selectFrom('aliases').selectAll().where('model', '=', model).orderBy('alias').execute();
    return rows.map((r) => ({ model: r.model, alias: r.alias, digest: r.digest, updated_at: iso(r.updated_at) }));
  }

  moveAlias = (input: MoveAliasInput, by: Actor) => this.signalled(moves.moveAlias(this.db, input, by));
  promote = (input: PromoteInput, by: Actor) => this.signalled(moves.promote(this.db, input, by));
  rollback = (input: RollbackInput, by: Actor) => this.signalled(moves.rollback(this.db, input, by));
  aliasHistory = (model: string, alias: string) => moves.aliasHistory(this.db, model, alias);
  modelAliasMoves = (model: string) => moves.modelAliasMoves(this.db, model);

  listAudit = (filter: { model?: string; limit?: number; before_id?: number }) => records.listAudit(this.db, filter);
  addEvaluation = (input: NewEvaluation, by: Actor) => records.addEvaluation(this.db, input, by);
  listEvaluations = (model: string, digest: string) => records.listEvaluations(this.db, model, digest);
  recordVerdict = (input: NewVerdict, by: Actor) => this.signalled(records.recordVerdict(this.db, input, by));
  getVerdict = (id: string) => records.getVerdict(this.db, id);
  listVerdicts = (model: string, digest?: string) => records.listVerdicts(this.db, model, digest);
  recordBaseline = (input: NewBaseline, by: Actor) => baselines.recordBaseline(this.db, input, by);
  currentBaseline = (model: string) => baselines.currentBaseline(this.db, model);
  baselineHistory = (model: string) => baselines.baselineHistory(this.db, model);
  getOutcomes = (digest: string) => getOutcomes(this.db, digest);
  recordUsage = (input: UsageRollup) => usage.recordUsage(this.db, input);
  listServed = (model: string, page?: ServedFilter) => usage.listServed(this.db, model, page);
  servedVersion = (model: string, digest: string) => usage.servedVersion(this.db, model, digest);
  servedOf = (model: string, digests: readonly string[]) => usage.servedOf(this.db, model, digests);
  getTrafficPlan = (model: string) => records.getTrafficPlan(this.db, model);
  putTrafficPlan = (input: PutTrafficPlanInput, by: Actor) => this.signalled(records.putTrafficPlan(this.db, input, by));
  trafficPlanHistory = (model: string) => records.trafficPlanHistory(this.db, model);

  pendingEvents = (limit: number) => outbox.pendingEvents(this.db, limit);
  markPublished = (ids: number[]) => outbox.markPublished(this.db, ids);
  prunePublishedEvents = (cutoff: Date) => outbox.prunePublished(this.db, cutoff);
}
