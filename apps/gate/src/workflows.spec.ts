import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// The workflows are the gate's contract with CI: parse them and check the stages and their order.
const root = join(__dirname, '../../..');
const load = (name: string) => parse(readFileSync(join(root, '.github/workflows', name), 'utf8'));
type Step = { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> };

const indexOf = (steps: Step[], test: (s: Step) => boolean, what: string): number => {
  const i = steps.findIndex(test);
  if (i < 0) throw new Error(`no step ${what}`);
  return i;
};
const runs = (re: RegExp) => (s: Step) => typeof s.run === 'string' && re.test(s.run);
const uses = (prefix: string) => (s: Step) => typeof s.uses === 'string' && s.uses.startsWith(prefix);

describe('deploy-grammar-tutor.yml', () => {
  const wf = load('deploy-grammar-tutor.yml');
  const job = wf.jobs.gate;
  const steps: Step[] = job.steps;

  it('runs on a PR labelled deploy-candidate and may comment on it', () => {
    expect(wf.on.pull_request.types).toContain('labeled');
    expect(job.if).toContain("github.event.label.name == 'deploy-candidate'");
    expect(wf.permissions['pull-requests']).toBe('write');
  });

  it('parses candidate=<model@ref> semver=<vX.Y.Z> from the body through env, not inline', () => {
    const parseStep = steps[indexOf(steps, runs(/candidate=/), 'parsing the body')];
    expect(parseStep.env?.BODY).toContain('github.event.pull_request.body');
    expect(parseStep.run).not.toContain('${{');
    expect(parseStep.run).toMatch(/semver=v/);
  });

  it('has Redis as a service container and starts NATS with JetStream', () => {
    expect(job.services.redis.image).toMatch(/^redis/);
    expect(steps.some(runs(/nats.*-js/))).toBe(true);
  });

  it('orders the stages: checkout, setup-node 20, npm ci, pull, eval-set digest check, evaluate, promote last', () => {
    const checkout = indexOf(steps, uses('actions/checkout'), 'checkout');
    const node = indexOf(steps, uses('actions/setup-node'), 'setup-node');
    const ci = indexOf(steps, runs(/\bnpm ci\b/), 'npm ci');
    const pull = indexOf(steps, runs(/lynx pull /), 'pull');
    const verify = indexOf(steps, runs(/lynx data verify data\/eval\/grammar-eval\.jsonl/), 'eval-set check');
    const evaluate = indexOf(steps, runs(/lynx gate evaluate /), 'evaluate');
    const promote = indexOf(steps, runs(/lynx gate promote /), 'promote');
    expect(steps[node].with?.['node-version']).toBe(20);
    expect([checkout, node, ci, pull, verify, evaluate, promote]).toEqual([...[checkout, node, ci, pull, verify, evaluate, promote]].sort((a, b) => a - b));
    expect(new Set([checkout, node, ci, pull, verify, evaluate, promote]).size).toBe(7);
    // Nothing that runs on success comes after promote: later steps only run on failure or always (reporting).
    for (const s of steps.slice(promote + 1)) expect(s.if).toMatch(/failure\(\)|always\(\)/);
    expect(steps.filter(runs(/lynx gate promote /))).toHaveLength(1);
    // Only the promote step holds the CI identity's token.
    const ciToken = steps.filter((s) => JSON.stringify(s.env ?? {}).includes('secrets.LYNX_CI_TOKEN'));
    expect(ciToken).toEqual([steps[promote]]);
    expect(steps[evaluate].run).toMatch(/pipefail/);
  });

  it('comments on the PR with the table on failure', () => {
    const comment = steps[indexOf(steps, uses('actions/github-script'), 'github-script comment')];
    expect(comment.if).toBe('failure()');
    expect(String(comment.with?.script)).toMatch(/gate-table\.txt/);
    expect(String(comment.with?.script)).toMatch(/createComment/);
    expect(steps.indexOf(comment)).toBeGreaterThan(indexOf(steps, runs(/lynx gate promote /), 'promote'));
  });
});

describe('ci.yml', () => {
  const wf = load('ci.yml');
  const steps: Step[] = Object.values(wf.jobs as Record<string, { steps: Step[] }>)[0].steps;

  it('checks out, installs with npm ci on Node 20 and runs the test command, in that order', () => {
    const checkout = indexOf(steps, uses('actions/checkout'), 'checkout');
    const node = indexOf(steps, uses('actions/setup-node'), 'setup-node');
    const ci = indexOf(steps, runs(/\bnpm ci\b/), 'npm ci');
    const test = indexOf(steps, runs(/\bnpm (run )?test\b/), 'test');
    expect(steps[node].with?.['node-version']).toBe(20);
    expect(checkout).toBeLessThan(ci);
    expect(node).toBeLessThan(ci);
    expect(ci).toBeLessThan(test);
  });
});
