// Test fixture: the tutor's model server as its own process, serving the four trained variants.
import { join } from 'node:path';
import { makeTempDir } from '@lynx/platform/testing';
import { trainAllVariants, type TrainedVariants } from '@lynx/tutor/testing';
import { spawnApp, type SpawnedApp } from './spawn-app';

export interface ModelServerProcess {
  /** Base URL including /v1. */
  baseUrl: string;
  trained: TrainedVariants;
  app: SpawnedApp;
  stop(): Promise<void>;
}

export async function startModelServerProcess(): Promise<ModelServerProcess> {
  const tmp = await makeTempDir('lynx-router-ms-');
  const root = join(tmp.dir, 'adapters');
  const trained = await trainAllVariants(root);
  const d = trained.dirs;
  const app = await spawnApp('model-server', {
    LYNX_ENV: 'test',
    LYNX_DATA_DIR: join(tmp.dir, 'data'),
    LYNX_MODEL_SERVER_ADAPTER_ROOT: root,
    LYNX_MODEL_SERVER_MODELS: `base=${d.base},lora=${d.lora}:base,int8=${d.int8},regressed=${d.regressed}`,
    LYNX_REGISTRY_URL: 'http://127.0.0.1:9',
  });
  return {
    baseUrl: `${app.url}/v1`,
    trained,
    app,
    async stop() {
      await app.stop();
      await tmp.cleanup();
    },
  };
}
