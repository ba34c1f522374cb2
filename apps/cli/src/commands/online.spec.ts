import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { JSONCodec, connect } from 'nats';
import { TEST_NATS_URL, makeTempDir, testNamespace } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { readItems } from '@lynx/tutor';
import { EVAL_SET_FILE } from '@lynx/tutor/testing';

const repo = resolve(__dirname, '../../../..');
const lynx = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile('node', ['tools/bin/lynx.js', ...args], { cwd: repo, env: { ...process.env, ...env } }, (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr })),
  );
const D = (c: string) => `sha256:${c.repeat(64)}`;

describe('lynx ab / lynx report shadow from the inference stream', () => {
  const ns = testNamespace('cliab', { LYNX_REGISTRY_URL: 'http://127.0.0.1:9' });
  afterAll(() => ns.cleanup());

  it('reads the namespace’s events, judges them with the grader and reports', async () => {
    await ns.createStreams();
    const items = (await readItems(EVAL_SET_FILE)).slice(0, 60);
    const nc = await connect({ servers: TEST_NATS_URL });
    const js = nc.jetstream();
    const codec = JSONCodec();
    const time = new Date().toISOString();
    for (const [i, item] of items.entries()) {
      const good = item.target;
      const arm = i % 2 ? 'treatment' : 'control';
      const output = arm === 'control' && i % 4 === 0 ? item.input : good;
      const e = { event_id: randomUUID(), request_id: `r${i}`, time, model: 'm', digest: D(arm === 'control' ? 'a' : 'b'), arm, role: 'ab', input: item.input, output, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, latency_ms: 3, upstream_latency_ms: 2, status: 'ok' };
      await js.publish(ns.names.subject(SUBJECTS.inferenceCompleted), codec.encode(e), { msgID: e.event_id });
      const pair = { event_id: randomUUID(), request_id: `s${i}`, time, model: 'm', input: item.input, primary: { digest: D('a'), arm: 'primary', output: good, latency_ms: 5, status: 'ok' }, shadow: { digest: D('b'), arm: 'shadow', output: i % 3 ? good : item.input, latency_ms: 9, status: 'ok' } };
      await js.publish(ns.names.subject(SUBJECTS.inferenceShadow), codec.encode(pair), { msgID: pair.event_id });
    }
    await nc.close();

    const ab = await lynx(['ab', 'm', '--mde', '0.1', '--json'], ns.env);
    expect(ab.stderr).toBe('');
    const a = JSON.parse(ab.stdout);
    expect(a.control).toMatchObject({ name: 'control', n: 30 });
    expect(a.treatment).toMatchObject({ name: 'treatment', n: 30, passed: 30 });
    expect(a.control.passed).toBeLessThan(30);
    expect(a).toMatchObject({ verdict: 'inconclusive', horizon_stored: false, horizon: { mde: 0.1, per_arm: 411 }, next_look_at: 42 });
    expect(a.reason).toBe('inconclusive: 30 judged of 411 needed per arm; next look at 42 per arm (1 of 20 looks taken)');
    expect(a.looks).toHaveLength(1);
    const table = await lynx(['ab', 'm', '--mde', '0.1'], ns.env);
    expect(table.stdout).toMatch(/^control\s+30\s+411\s/m);
    expect(table.stdout).toContain('verdict: inconclusive');
    // Without a stored horizon and without --mde there is nothing to size the test by.
    const none = await lynx(['ab', 'm'], ns.env);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('has no stored A/B horizon');

    const tmp = await makeTempDir('lynx-shadow-');
    try {
      const rep = await lynx(['report', 'shadow', 'm', '--out', tmp.dir], ns.env);
      expect(rep.stderr).toBe('');
      // The shadow echoes every third input; items whose input is already correct still agree.
      const differ = items.filter((item, i) => i % 3 === 0 && item.input.trim() !== item.target.trim()).length;
      expect(differ).toBeGreaterThan(0);
      expect(rep.stdout).toMatch(/^(inconclusive: \d+ judged pairs of \d+ needed|shadow|no difference)/);
      expect(rep.stdout).toContain(`60 pairs, agreement ${(((60 - differ) / 60) * 100).toFixed(1)} %`);
      expect(await readFile(join(tmp.dir, 'shadow-report.md'), 'utf8')).toContain(`Disagreements (${differ} of ${differ})`);
      expect(await readFile(join(tmp.dir, 'shadow-report.html'), 'utf8')).toContain('<svg');
    } finally {
      await tmp.cleanup();
    }
  }, 120_000);
});
