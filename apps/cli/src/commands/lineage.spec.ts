import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, JSONCodec } from 'nats';
import { bundleDigest } from '@lynx/bundle';
import { SUBJECTS } from '@lynx/schema';
import { lynx, startCliRegistry, type CliRegistry } from '../testing/cli-registry';

describe('lynx lineage', () => {
  let cli: CliRegistry;

  beforeAll(async () => {
    cli = await startCliRegistry('lin');
  }, 60_000);
  afterAll(() => cli?.close());

  async function pushBundle(name: string, extra: string[] = []): Promise<string> {
    const dir = join(cli.dir, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'weights.bin'), `weights of ${name}`);
    const digest = await bundleDigest(dir);
    expect((await lynx('push', dir, '--model', 'tutor', '--run-id', `run-${name}`, '--commit', 'c0ffee', ...extra)).trim()).toBe(digest);
    return digest;
  }

  it('prints a version\'s lineage as a tree and as JSON', async () => {
    const base = await pushBundle('base', ['--param', 'seed=7']);
    const child2 = await pushBundle('retrained', ['--parent', base, '--param', 'drift_report_id=rep-1', '--param', 'drift_window_id=w-1']);
    await lynx('promote', `tutor@${base}`, 'v0.1.0-dev', '--reason', 'first');
    const tree = await lynx('lineage', `tutor@${child2.slice(7, 20)}`);
    expect(tree).toContain(`tutor@${child2}`);
    expect(tree).toMatch(/run run-retrained · commit c0ffee/);
    expect(tree).toMatch(new RegExp(`parent ${base} \\(v0\\.1\\.0-dev, production\\)`));
    expect(tree).toMatch(/retrained after drift[\s\S]*report rep-1[\s\S]*window w-1/);
    expect(tree).toMatch(/not serving now/);
    const json = JSON.parse(await lynx('lineage', 'tutor@production', '--json'));
    expect(json.version.digest).toBe(base);
    expect(json.children.map((c: { digest: string }) => c.digest)).toEqual([child2]);
    expect(json.why_serving).toMatchObject({ serving: true, production: true, production_move: { kind: 'promote', reason: 'first' } });
    await expect(lynx('lineage', 'tutor@v9.9.9')).rejects.toThrow(/version_not_found/);
  }, 60_000);

  it('finds which version answered a request and why it was serving then', async () => {
    const json = JSON.parse(await lynx('lineage', 'tutor@production', '--json'));
    const digest = json.version.digest as string;
    const requestId = `req-${randomUUID()}`;
    const nc = await connect({ servers: cli.registry.ns.env.LYNX_NATS_URL });
    try {
      await cli.registry.ns.createStreams();
      const js = nc.jetstream();
      const event = (over: Record<string, unknown>) => ({
        event_id: randomUUID(), request_id: requestId, time: new Date().toISOString(), model: 'tutor', digest, arm: 'primary', role: 'primary',
        input: 'he goed', output: 'he went', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, latency_ms: 3, upstream_latency_ms: 2, status: 'ok', ...over,
      });
      const subject = cli.registry.ns.names.subject(SUBJECTS.inferenceCompleted);
      for (let i = 0; i < 5; i++) await js.publish(subject, JSONCodec().encode(event({ request_id: `other-${i}` })));
      await js.publish(subject, JSONCodec().encode(event({ role: 'shadow', arm: 'shadow', digest: `sha256:${'e'.repeat(64)}` })));
      await js.publish(subject, JSONCodec().encode(event({})));
    } finally {
      await nc.close();
    }
    const found = JSON.parse(await lynx('lineage', 'request', requestId, '--json'));
    expect(found.request).toMatchObject({ request_id: requestId, model: 'tutor', digest, role: 'primary', shadows: [{ digest: `sha256:${'e'.repeat(64)}` }] });
    expect(found.lineage.why_serving).toMatchObject({ serving: true, production: true, at: found.request.time });
    const text = await lynx('lineage', 'request', requestId);
    expect(text).toMatch(new RegExp(`answered by tutor@${digest}`));
    await expect(lynx('lineage', 'request', 'req-nobody-sent')).rejects.toThrow(/not found in the inference stream \(7 events read\)/);
  }, 60_000);
});
