// Namespaces, temp dirs and tokens files for tests (exported by `@lynx/platform/testing`).
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { STREAMS, type Role, type StreamKey } from '@lynx/schema';
import { LynxNames, type StreamSpec } from '../nats/names';
import { ensureStreams } from '../nats/nats.service';

export const TEST_NATS_URL = process.env.LYNX_NATS_URL || 'nats://127.0.0.1:4222';
export const TEST_REDIS_URL = process.env.LYNX_REDIS_URL || 'redis://127.0.0.1:6379';

/** `prefix-<time>-<random>`, lowercase, valid as a namespace, model name or queue name. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/**
 * A namespace of its own for one test: streams `T_…_INFERENCE`, subjects `t-….inference.>`,
 * Redis keys and BullMQ queues under `t-…:`. Pass `env` to PlatformModule.forRoot or a child
 * process; call cleanup() in afterAll.
 */
export interface TestNamespace {
  namespace: string;
  names: LynxNames;
  /** Stream specs of every STREAMS key, mapped into the namespace. */
  streams: StreamSpec[];
  env: NodeJS.ProcessEnv;
  /** Creates the streams now (apps also create them on connect). */
  createStreams(): Promise<void>;
  /** Deletes the namespace's streams and Redis keys. */
  cleanup(): Promise<void>;
}

export function testNamespace(prefix = 't', extraEnv: NodeJS.ProcessEnv = {}): TestNamespace {
  const namespace = uniqueName(prefix);
  const names = new LynxNames(namespace);
  const streams = (Object.keys(STREAMS) as StreamKey[]).map((k) => names.stream(k));
  return {
    namespace,
    names,
    streams,
    env: {
      LYNX_ENV: 'test',
      LYNX_LOG_LEVEL: 'error',
      LYNX_NAMESPACE: namespace,
      LYNX_NATS_URL: TEST_NATS_URL,
      LYNX_REDIS_URL: TEST_REDIS_URL,
      ...extraEnv,
    },
    async createStreams() {
      const nc = await connect({ servers: TEST_NATS_URL });
      try {
        await ensureStreams(await nc.jetstreamManager(), streams);
      } finally {
        await nc.close();
      }
    },
    cleanup: () => cleanupNamespace(namespace),
  };
}

/** Stream specs with unique names and subjects under `prefix`, and a cleanup deleting them. */
export function testNatsStreams(prefix = 't'): { namespace: string; names: LynxNames; streams: StreamSpec[]; cleanup(): Promise<void> } {
  const ns = testNamespace(prefix);
  return { namespace: ns.namespace, names: ns.names, streams: ns.streams, cleanup: ns.cleanup };
}

/** Deletes every stream whose name starts with the namespace's prefix and every Redis key `<ns>:*`. */
export async function cleanupNamespace(namespace: string, natsUrl = TEST_NATS_URL, redisUrl = TEST_REDIS_URL): Promise<void> {
  if (namespace === 'lynx') throw new Error('cleanupNamespace: refusing to delete the production namespace');
  const streamPrefix = `${namespace.toUpperCase().replace(/-/g, '_')}_`;
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(streamPrefix)) await jsm.streams.delete(s.config.name);
    }
  } finally {
    await nc.close();
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Runs fn with a fresh temp dir and removes it afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>, prefix = 'lynx-test-'): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A temp dir for beforeAll/afterAll use. */
export async function makeTempDir(prefix = 'lynx-test-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a LYNX_TOKENS_FILE holding the hashes of the given plain tokens; returns its path. */
export async function writeTokensFile(dir: string, tokens: Array<{ token: string; role: Role; name: string }>): Promise<string> {
  const path = join(dir, `tokens-${randomBytes(4).toString('hex')}.json`);
  const body = {
    tokens: tokens.map((t) => ({ sha256: createHash('sha256').update(t.token).digest('hex'), role: t.role, name: t.name })),
  };
  await writeFile(path, JSON.stringify(body, null, 2));
  return path;
}

/**
 * Test registries and routers: an upstreams file whose rules serve every model (`*`) from a closed
 * local port, so plans of test versions without upstream tags can be stored, and loopback (any
 * port) on the upstream allowlist, so tags may point at a test's own fake upstreams.
 */
export const TEST_UPSTREAM_ALLOWED_HOSTS = '127.0.0.1,localhost';

export async function writeTestUpstreamsFile(dir: string): Promise<string> {
  const path = join(dir, `upstreams-${randomBytes(4).toString('hex')}.yaml`);
  await writeFile(path, 'models:\n  "*":\n    - default: true\n      base_url: http://127.0.0.1:9/v1\n      model: test\n');
  return path;
}
