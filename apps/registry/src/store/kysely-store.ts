import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import * as moves from './alias-moves';
import type { Database } from './db';
import { iso } from './mappers';
import { migrationProvider } from './migrations';
import * as records from './record-queries';
import type {
  Actor,
  AliasRecord,
  MoveAliasInput,
  NewEvaluation,
  NewVerdict,
  NewVersion,
  PromoteInput,
  PutTrafficPlanInput,
  RegistryStore,
  RollbackInput,
  UsageRollup,
  VersionFilter,
} from './registry-store';
import * as versions from './version-queries';

/** RegistryStore over Kysely; the dialect (pg pool or PGlite) decides the backend. */
export class KyselyRegistryStore implements RegistryStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The underlying query builder, for tests that must bypass the store. */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  async migrate(): Promise<void> {
    const { error } = await new Migrator({ db: this.db, provider: migrationProvider }).migrateToLatest();
    if (error) throw error;
  }

  close = () => this.db.destroy();

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  registerVersion = (input: NewVersion, by: Actor) => versions.registerVersion(this.db, input, by);
  listModels = () => versions.listModels(this.db);
  listVersions = (model: string, filter?: VersionFilter) => versions.listVersions(this.db, model, filter);
  getVersion = (model: string, digest: string) => versions.getVersion(this.db, model, digest);
  getManifest = (model: string, digest: string) => versions.getManifest(this.db, model, digest);
  resolve = (model: string, ref: string) => versions.resolveRef(this.db, model, ref);

  async getAliases(model: string): Promise<AliasRecord[]> {
    const rows = await this.db.selectFrom('aliases').selectAll().where('model', '=', model).orderBy('alias').execute();
    return rows.map((r) => ({ model: r.model, alias: r.alias, digest: r.digest, updated_at: iso(r.updated_at) }));
  }

  moveAlias = (input: MoveAliasInput, by: Actor) => moves.moveAlias(this.db, input, by);
  promote = (input: PromoteInput, by: Actor) => moves.promote(this.db, input, by);
  rollback = (input: RollbackInput, by: Actor) => moves.rollback(this.db, input, by);
  aliasHistory = (model: string, alias: string) => moves.aliasHistory(this.db, model, alias);

  listAudit = (filter: { model?: string; limit?: number; before_id?: number }) => records.listAudit(this.db, filter);
  addEvaluation = (input: NewEvaluation, by: Actor) => records.addEvaluation(this.db, input, by);
  listEvaluations = (model: string, digest: string) => records.listEvaluations(this.db, model, digest);
  recordVerdict = (input: NewVerdict, by: Actor) => records.recordVerdict(this.db, input, by);
  getVerdict = (id: string) => records.getVerdict(this.db, id);
  listVerdicts = (model: string, digest?: string) => records.listVerdicts(this.db, model, digest);
  recordUsage = (input: UsageRollup) => records.recordUsage(this.db, input);
  listServed = (model: string) => records.listServed(this.db, model);
  getTrafficPlan = (model: string) => records.getTrafficPlan(this.db, model);
  putTrafficPlan = (input: PutTrafficPlanInput, by: Actor) => records.putTrafficPlan(this.db, input, by);
  trafficPlanHistory = (model: string) => records.trafficPlanHistory(this.db, model);
}
