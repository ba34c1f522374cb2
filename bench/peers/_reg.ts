import { createHash } from 'node:crypto';
import { openRegistryStore } from '../../apps/registry/src/store/open-store';
const dir = process.argv[2]; const N = Number(process.argv[3] ?? 10000); const seed = process.argv[4] === 'seed';
const q = (a: number[], p: number) => a.sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
async function main() {
  const store = await openRegistryStore({ dataDir: dir, databaseUrl: process.env.DB });
  const by = { actor: 'bench', role: 'trainer' };
  const digestOf = (i: number) => `sha256:${createHash('sha256').update(`v${i}`).digest('hex')}`;
  if (seed) {
    const t = Date.now();
    for (let i = 0; i < N; i++) { const digest = digestOf(i); await store.registerVersion({ model: 'bench', digest, manifest: { files: [{ path: 'w.bin', size: 1, digest }] }, lineage: { data: [] }, tags: { i: String(i % 10) } }, by); }
    await store.moveAlias({ model: 'bench', alias: 'staging', digest: digestOf(Math.floor(N / 2)), reason: 'bench' }, by);
    console.log('seeded', (Date.now() - t) / 1000);
  }
  const ops: Record<string, () => Promise<unknown>> = {
    list: () => store.listVersions('bench', { limit: 50 }),
    resolve: () => store.resolve('bench', 'staging'),
    evals: async () => { const v = await store.resolve('bench', 'staging'); return Promise.all([store.listEvaluations('bench', v.digest), store.listVerdicts('bench', v.digest), store.servedVersion('bench', v.digest)]); },
    tag: () => store.listVersions('bench', { limit: 50, tag: 'i=3' }),
  };
  for (const [k, f] of Object.entries(ops)) {
    const ts: number[] = [];
    for (let i = 0; i < 20; i++) await f();
    const c0 = process.cpuUsage();
    for (let i = 0; i < 300; i++) { const t = process.hrtime.bigint(); await f(); ts.push(Number(process.hrtime.bigint() - t) / 1e6); }
    const c = process.cpuUsage(c0);
    console.log(k, 'p50', q(ts, 0.5).toFixed(2), 'p99', q(ts, 0.99).toFixed(2), 'cpu ms/op', ((c.user + c.system) / 1000 / 300).toFixed(2));
  }
  await store.close();
}
main();
