// Helpers for the drift worker's integration tests: inference events from generated traffic,
// published to a test namespace's stream, and a real registry started as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import type { InferenceEvent } from '@lynx/schema';
import { correct, generateTraffic, type TrafficOptions, type TutorModel } from '@lynx/tutor';
import { REPO_ROOT } from '@lynx/tutor/testing';

const codec = JSONCodec();

export function trafficEvents(opts: TrafficOptions & { model?: string; digest: string; tutor: TutorModel }): InferenceEvent[] {
  return generateTraffic(opts).map((item, i) => {
    const output = correct(opts.tutor, item.input).corrected;
    return {
      event_id: randomUUID(),
      request_id: `req-${i}`,
      time: new Date().toISOString(),
      model: opts.model ?? 'grammar-tutor',
      digest: opts.digest,
      arm: 'production',
      role: 'primary',
      input: item.input,
      output,
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      latency_ms: 5 + (i % 7),
      upstream_latency_ms: 4,
      status: 'ok',
    };
  });
}

/** Publishes to JetStream (JSON, or raw bytes as given) with Nats-Msg-Id = msgId(e) (default: the event id), 500 in flight. */
export async function publishAll(nc: NatsConnection, subject: string, payloads: readonly unknown[], msgId: (p: unknown, i: number) => string): Promise<void> {
  const js = nc.jetstream();
  for (let i = 0; i < payloads.length; i += 500) {
    await Promise.all(payloads.slice(i, i + 500).map((p, k) => js.publish(subject, p instanceof Uint8Array ? p : codec.encode(p), { msgID: msgId(p, i + k) })));
  }
}

export const natsConnect = (url: string) => connect({ servers: url });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The registry app (PGlite in dataDir, auth off) as a child process; resolves once it listens. */
export async function startRegistryProcess(env: NodeJS.ProcessEnv, dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-r', join(REPO_ROOT, 'tools/register.js'), join(REPO_ROOT, 'apps/registry/src/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LYNX_ENV: 'test', LYNX_LOG_LEVEL: 'info', LYNX_DATA_DIR: dataDir, LYNX_REGISTRY_PORT: String(port), LYNX_TOKENS_FILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/"listening"/.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`registry exited with ${code}: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
