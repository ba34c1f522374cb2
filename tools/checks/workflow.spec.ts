import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

describe('.github/workflows/ci.yml', () => {
  const workflow = parse(fs.readFileSync(path.join(root, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { 'runs-on': string; services?: Record<string, { image: string }>; steps: Step[] }>;
  };
  const jobs = Object.values(workflow.jobs);
  const steps = jobs.flatMap((job) => job.steps);
  const runs = steps.map((s) => (s.run ?? '').trim());

  it('runs on push and pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('runs npm ci, then npm test, on Node 20', () => {
    const install = runs.indexOf('npm ci');
    const test = runs.indexOf('npm test');
    expect(install).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(install);
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.['node-version']).toBe(20);
    expect(steps.indexOf(node!)).toBeLessThan(install);
  });

  it('has Redis and PostgreSQL services, and starts NATS with JetStream before the tests', () => {
    const images = jobs.flatMap((job) => Object.values(job.services ?? {}).map((s) => s.image));
    expect(images).toEqual(expect.arrayContaining([expect.stringMatching(/^redis:/), expect.stringMatching(/^postgres:/)]));
    const nats = runs.findIndex((r) => /docker run .*nats:\S+ .*-js\b/.test(r));
    expect(nats).toBeGreaterThanOrEqual(0);
    expect(nats).toBeLessThan(runs.indexOf('npm test'));
  });

  it('installs the nats-server and redis-server binaries that the stack:up test starts', () => {
    const install = runs.findIndex((r) => /apt-get install .*nats-server redis-server/.test(r));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(runs.indexOf('npm test'));
  });
});
