import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCliRegistry, lynx, type CliRegistry } from '../testing/cli-registry';
import { allServed } from '../registry/served-pages';
import { RegistryClient } from '../registry-client';

const MODEL = 'tutor';

describe('lynx costs and lynx served against a running registry', () => {
  let env: CliRegistry;
  const digests: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${env.registry.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect([path, res.status < 300]).toEqual([path, true]);
    return res.json();
  };

  beforeAll(async () => {
    env = await startCliRegistry('costs');
    for (const name of ['a', 'b', 'c'] as const) {
      const dir = join(env.dir, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'w.bin'), `weights ${name}`);
      digests[name] = (await lynx('push', dir, '--model', MODEL)).trim();
    }
    // a and b served (b most recently); c never served. b and c are evaluated, a is not.
    for (const [name, at, requests] of [['a', '2025-01-01T00:00:00Z', 10], ['b', '2025-01-02T00:00:00Z', 4]] as const) {
      await call('POST', `/v1/models/${MODEL}/versions/${digests[name]}/usage`, {
        rollup_id: `r-${name}`, role: 'primary', window_start: at, window_end: at, first_served_at: at, last_served_at: at,
        requests, prompt_tokens: 750, completion_tokens: 250, cost_usd: 0.01,
      });
    }
    for (const [name, accuracy] of [['b', 0.8], ['c', 0.5]] as const) {
      const n = 100;
      await call('POST', `/v1/models/${MODEL}/versions/${digests[name]}/evaluations`, {
        model_digest: digests[name], eval_set_digest: `sha256:${'e'.repeat(64)}`, overall: { accuracy, n, passed: accuracy * n }, buckets: {}, created_at: new Date().toISOString(),
      });
    }
  }, 60_000);
  afterAll(() => env?.close());

  it('follows the served cursor page by page', async () => {
    const pages: Array<string | null> = [];
    const client = new RegistryClient(env.registry.url);
    const rows = await allServed({
      served: (model, page) => {
        pages.push(page?.cursor ?? null);
        return client.served(model, page);
      },
    }, MODEL, 1);
    expect(rows.map((r) => r.digest)).toEqual([digests.b, digests.a]);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toEqual(expect.any(String));
    const printed = await lynx('served', MODEL);
    expect(printed).toContain(digests.a.slice(7, 19));
    expect(printed).toContain(digests.b.slice(7, 19));
    expect(printed).not.toContain(digests.c.slice(7, 19));
  });

  it("shows a never-served version's accuracy from its evaluation, with zero usage", async () => {
    const rows = JSON.parse(await lynx('costs', MODEL, '--json')) as Array<{ digest: string; accuracy: number | null; requests: number; tokens: number; usd_per_1k_tokens: number | null; cpqu: number | null }>;
    const by = Object.fromEntries(rows.map((r) => [r.digest, r]));
    expect(rows).toHaveLength(3);
    expect(by[digests.c]).toMatchObject({ accuracy: 0.5, requests: 0, tokens: 0, usd_per_1k_tokens: null, cpqu: null });
    expect(by[digests.b]).toMatchObject({ accuracy: 0.8, requests: 4, tokens: 1000, usd_per_1k_tokens: 0.01 });
    expect(by[digests.b].cpqu).toBeCloseTo(0.0125, 12);
    expect(by[digests.a]).toMatchObject({ accuracy: null, requests: 10, tokens: 1000, cpqu: null });
  });
});
