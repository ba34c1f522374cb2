// Model server benchmark: tutor corrections per second in process (correct() called
// directly: the baseline) and over HTTP (POST /v1/chat/completions at fixed concurrency, undici),
// p50/p99 latency of each, and the server's RSS with the four variants loaded against the same
// server with none. The server runs as its own process, bundled as `nx build` ships it.
// Knobs: LYNX_BENCH_REQUESTS (default 20000), LYNX_BENCH_CONCURRENCY (default 16),
// LYNX_BENCH_SERVER_NODE_OPTIONS (NODE_OPTIONS of the server only, e.g. --max-old-space-size=96).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { procStatusKb } from '../common/bench-files';
import { EVAL_SET_FILE, trainAllVariants } from '@lynx/tutor/testing';
import { VARIANTS, correct, readItems, type LoadedModel } from '@lynx/tutor';

const REQUESTS = Number(process.env.LYNX_BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.LYNX_BENCH_CONCURRENCY ?? 16);
const repo = resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildApp } = require(join(repo, 'tools/build/build-app.js')) as { buildApp(name: string, outRoot: string): Promise<{ outfile: string }> };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(latenciesMs: number[], seconds: number) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { perSecond: latenciesMs.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function inProcess(model: LoadedModel, sentences: string[], rounds: number) {
  for (const s of sentences) correct(model, s); // warm-up: JIT and caches
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const s of sentences) {
      const t = process.hrtime.bigint();
      correct(model, s);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return stats(latencies, Number(process.hrtime.bigint() - start) / 1e9);
}

function startServer(main: string, models: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [main], {
    cwd: repo,
    env: {
      ...process.env,
      NODE_OPTIONS: process.env.LYNX_BENCH_SERVER_NODE_OPTIONS ?? '',
      LYNX_MODEL_SERVER_PORT: '0',
      LYNX_LOG_LEVEL: 'info',
      LYNX_MODEL_SERVER_MODELS: models,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = /"msg":"listening".*"url":"([^"]+)"/.exec(line)?.[1];
      if (url) done({ child, url: url.replace('[::1]', '127.0.0.1') });
    });
    child.once('exit', (code) => fail(new Error(`model server exited with ${code}`)));
  });
}

const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM') => (procStatusKb(pid, field) * 1024) / 1e6;

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

async function overHttp(url: string, sentences: string[], expected: Map<string, string>) {
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let wrong = 0;
  const ask = async (i: number) => {
    const sentence = sentences[i % sentences.length];
    const t = process.hrtime.bigint();
    const res = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'lora', messages: [{ role: 'user', content: sentence }] }),
    });
    const body = (await res.body.json()) as { choices: Array<{ message: { content: string } }> };
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (res.statusCode !== 200 || body.choices[0].message.content !== expected.get(sentence)) wrong++;
  };
  for (let i = 0; i < 500; i++) await ask(i); // warm-up
  latencies.length = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await ask(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await pool.close();
  return { ...stats(latencies, seconds), wrong };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'lynx-bench-ms-'));
  try {
    const trained = await trainAllVariants(join(tmp, 'bundles'));
    const sentences = (await readItems(EVAL_SET_FILE)).map((item) => item.input);
    console.log(`eval-set sentences: ${sentences.length}; HTTP: ${REQUESTS} requests at concurrency ${CONCURRENCY}`);

    console.log('\nin process (correct(), the baseline)');
    const base: Record<string, ReturnType<typeof inProcess>> = {};
    for (const v of VARIANTS) {
      base[v] = inProcess(trained.models[v], sentences, 5);
      console.log(`  ${v.padEnd(10)} ${base[v].perSecond.toFixed(0).padStart(8)} corrections/s  p50 ${(base[v].p50 * 1000).toFixed(1)} µs  p99 ${(base[v].p99 * 1000).toFixed(1)} µs`);
    }

    const { outfile } = await buildApp('model-server', join(repo, 'tmp', 'bench-model-server'));
    const empty = await startServer(outfile, '');
    const emptyRss = rssMb(empty.child.pid!, 'VmRSS');
    await stop(empty.child);

    const d = trained.dirs;
    const server = await startServer(outfile, `base=${d.base},lora=${d.lora}:base,int8=${d.int8},regressed=${d.regressed}`);
    const loadedRss = rssMb(server.child.pid!, 'VmRSS');
    const expected = new Map(sentences.map((s) => [s, correct(trained.models.lora, s).corrected]));
    const http = await overHttp(server.url, sentences, expected);
    const afterRss = rssMb(server.child.pid!, 'VmRSS');
    const peakRss = rssMb(server.child.pid!, 'VmHWM');
    await stop(server.child);

    console.log(`\nover HTTP (lora, POST /v1/chat/completions, concurrency ${CONCURRENCY})`);
    console.log(`  ${http.perSecond.toFixed(0)} corrections/s  p50 ${http.p50.toFixed(2)} ms  p99 ${http.p99.toFixed(2)} ms  wrong answers: ${http.wrong}`);
    console.log(`  ratio HTTP / in-process (lora): ${(http.perSecond / base.lora.perSecond).toFixed(3)}`);
    console.log('\nserver RSS');
    console.log(`  no variants loaded:          ${emptyRss.toFixed(1)} MB`);
    console.log(`  four variants, idle:         ${loadedRss.toFixed(1)} MB  (x${(loadedRss / emptyRss).toFixed(2)} of empty)  target < 200 MB`);
    console.log(`  four variants, after load:   ${afterRss.toFixed(1)} MB`);
    console.log(`  four variants, peak (VmHWM): ${peakRss.toFixed(1)} MB  (under ${CONCURRENCY}-way load)`);
    if (http.wrong > 0) process.exitCode = 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
