import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConsumerMessages, JsMsg } from 'nats';
import {
  LYNX_DIGEST_TAG,
  LYNX_SEMVER_TAG,
  KeyedSerial,
  LynxLogger,
  LynxNames,
  MlflowClient,
  NatsService,
  mirrorActions,
  type LynxModelState,
} from '@lynx/platform';
import { registryEventSchema } from '@lynx/schema';
import { BlobsService } from '../blobs/blobs.service';
import { REGISTRY_STORE } from '../store/store.module';
import type { RegistryStore } from '../store/registry-store';
import { MLFLOW_MIRROR_CONFIG, type MlflowMirrorConfig } from './mlflow-mirror.config';

const DURABLE = 'registry-mlflow-mirror';
/** The MLflow experiment that holds the runs carrying bundles that did not come from MLflow. */
export const LYNX_BUNDLES_EXPERIMENT = 'lynx-bundles';

/**
 * Mirrors Lynx's registry into MLflow's, so `models:/<name>@production` resolved by MLflow's own
 * clients gives bytes with the Lynx digest. A durable, explicit-ack consumer of lynx.registry.*
 * reconciles the event's model as a whole (states, not events, as the canary follower does): every
 * Lynx version becomes an MLflow model version tagged lynx.digest and lynx.semver (its source the
 * MLflow run's artifacts when it came from MLflow, else the bundle uploaded into a run of the
 * `lynx-bundles` experiment), and every Lynx alias is set on MLflow. While MLflow is down the
 * event is nak'ed and comes back, so nothing is lost and a late reconcile catches up. Lynx stays
 * the authority: MLflow's own changes are overwritten, never followed. Emits `mirrored` (model).
 */
@Injectable()
export class MlflowMirrorService extends EventEmitter implements OnApplicationBootstrap, OnApplicationShutdown {
  private messages?: ConsumerMessages;
  private readonly client?: MlflowClient;
  private readonly serial = new KeyedSerial();

  constructor(
    @Inject(MLFLOW_MIRROR_CONFIG) private readonly config: MlflowMirrorConfig,
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(BlobsService) private readonly blobs: BlobsService,
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {
    super();
    if (config.trackingUri) this.client = new MlflowClient(config.trackingUri);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.client) return;
    const stream = this.names.stream('registry').name;
    const consumer = await this.nats.durableConsumer(stream, `${DURABLE}`, { filterSubject: this.names.subject('lynx.registry.>') });
    this.messages = await consumer.consume({ callback: (m) => void this.handle(m) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.serial.idle();
  }

  private async handle(m: JsMsg): Promise<void> {
    let model: string;
    try {
      model = registryEventSchema.parse(m.json()).model;
    } catch {
      m.ack(); // not a registry event: it never becomes one
      return;
    }
    try {
      await this.serial.run(model, () => this.reconcile(model));
      m.ack();
      this.emit('mirrored', model);
    } catch (err) {
      this.logger.warn({ msg: 'mlflow mirror: not applied, will be redelivered', model, err: (err as Error).message }, 'MlflowMirror');
      m.nak(this.config.retryMs);
    }
  }

  /** Makes MLflow's registry say what Lynx's says about `model`. */
  async reconcile(model: string): Promise<void> {
    const client = this.client!;
    const lynx = await this.lynxState(model);
    await client.ensureRegisteredModel(model);
    const registered = await client.registeredModel(model);
    const versions = await client.modelVersions(model);
    const actions = mirrorActions(lynx, {
      versions,
      aliases: Object.fromEntries((registered?.aliases ?? []).map((a) => [a.alias, a.version])),
    });
    const numberOf = new Map<string, string>();
    for (const v of versions) {
      const digest = v.tags?.find((t) => t.key === LYNX_DIGEST_TAG)?.value;
      if (digest && !numberOf.has(digest)) numberOf.set(digest, v.version);
    }
    for (const v of actions.create) {
      const { source, runId } = v.mlflow ? { source: v.mlflow.artifact_uri, runId: v.mlflow.run_id } : await this.uploadBundle(model, v.digest);
      const created = await client.createModelVersion(model, source, runId, [
        { key: LYNX_DIGEST_TAG, value: v.digest },
        ...(v.semver ? [{ key: LYNX_SEMVER_TAG, value: v.semver }] : []),
      ]);
      numberOf.set(v.digest, created.version);
    }
    for (const t of actions.tagSemver) await client.setModelVersionTag(model, t.version, LYNX_SEMVER_TAG, t.semver);
    for (const a of actions.setAliases) await client.setAlias(model, a.alias, numberOf.get(a.digest)!);
    for (const a of actions.deleteAliases) await client.deleteAlias(model, a);
  }

  private async lynxState(model: string): Promise<LynxModelState> {
    const versions: LynxModelState['versions'] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listVersions(model, { limit: 500, ...(cursor ? { cursor } : {}) });
      for (const v of page.items) {
        const mlflow = v.lineage.mlflow as { run_id: string; artifact_uri: string } | undefined;
        versions.push({ digest: v.digest, semver: v.semver, ...(mlflow ? { mlflow } : {}) });
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    versions.reverse(); // oldest first, so MLflow's version numbers follow Lynx's order
    const aliases = Object.fromEntries((await this.store.getAliases(model)).map((a) => [a.alias, a.digest]));
    return { versions, aliases };
  }

  /** A bundle that did not come from MLflow: its files as the `model/` artifacts of a run in `lynx-bundles`. */
  private async uploadBundle(model: string, digest: string): Promise<{ source: string; runId: string }> {
    const client = this.client!;
    const manifest = await this.store.getManifest(model, digest);
    if (!manifest) throw new Error(`no manifest for ${model}@${digest}`);
    const experimentId = await client.experimentId(LYNX_BUNDLES_EXPERIMENT);
    const run = await client.createRun(experimentId, `${model}@${digest.slice(7, 19)}`, [{ key: LYNX_DIGEST_TAG, value: digest }]);
    for (const f of manifest.files) await client.uploadArtifact(run.info.artifact_uri, `model/${f.path}`, this.blobs.store.pathFor(f.digest));
    await client.finishRun(run.info.run_id);
    return { source: `${run.info.artifact_uri}/model`, runId: run.info.run_id };
  }
}
