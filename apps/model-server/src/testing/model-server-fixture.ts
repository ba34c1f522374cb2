// Test fixture: the four tutor variants trained into a temp dir, and a model server serving them.
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import OpenAI from 'openai';
import { listenLynxApp } from '@lynx/platform';
import { makeTempDir } from '@lynx/platform/testing';
import { trainAllVariants, type TrainedVariants } from '@lynx/tutor/testing';
import { createModelServer } from '../create-app';

export interface ModelServerFixture {
  url: string;
  app: NestFastifyApplication;
  client: OpenAI;
  trained: TrainedVariants;
  /** The adapter root: bundles live in <root>/<variant>. */
  root: string;
  tmp: string;
  /** POST a JSON (or raw string) body; returns status, content-type and parsed or raw body. */
  post(path: string, body: unknown): Promise<{ status: number; type: string; body: any }>;
  get(path: string): Promise<{ status: number; type: string; text: string }>;
  close(): Promise<void>;
}

/** Trains base, lora (over base), int8 and regressed, then serves all four under those names. */
export async function startModelServer(extraEnv: NodeJS.ProcessEnv = {}): Promise<ModelServerFixture> {
  const tmp = await makeTempDir('lynx-model-server-');
  const root = join(tmp.dir, 'adapters');
  const trained = await trainAllVariants(root);
  const d = trained.dirs;
  const app = await createModelServer({
    env: {
      LYNX_ENV: 'test',
      LYNX_LOG_LEVEL: 'warn',
      LYNX_DATA_DIR: join(tmp.dir, 'data'),
      LYNX_MODEL_SERVER_ADAPTER_ROOT: root,
      LYNX_MODEL_SERVER_MODELS: `base=${d.base},lora=${d.lora}:base,int8=${d.int8},regressed=${d.regressed}`,
      // Nothing listens on port 9: a registry ref fails fast unless a test passes a real registry.
      LYNX_REGISTRY_URL: 'http://127.0.0.1:9',
      ...extraEnv,
    },
  });
  const url = await listenLynxApp(app, 0);
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    return { status: res.status, type, body: type.includes('json') ? JSON.parse(text) : text };
  };
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  return {
    url,
    app,
    client,
    trained,
    root,
    tmp: tmp.dir,
    post,
    get,
    close: async () => {
      await app.close();
      await tmp.cleanup();
    },
  };
}

/** The value of one sample line of /metrics, e.g. sample(text, 'vllm:prompt_tokens_total', {model_name: 'lora'}). */
export function sample(metrics: string, name: string, labels: Record<string, string>): number {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
