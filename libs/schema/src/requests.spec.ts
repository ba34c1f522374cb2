import {
  aliasMoveRequestSchema,
  promoteRequestSchema,
  registerVersionRequestSchema,
  registryEventSchema,
  rollbackRequestSchema,
  usageRollupRequestSchema,
} from './registry';
import { trafficPlanSchema } from './traffic';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const TIME = '2026-01-05T10:00:00Z';

describe('register version request', () => {
  const body = {
    manifest: { files: [{ path: 'adapter/weights.json', size: 10, digest: D('a') }] },
    lineage: { run_id: 'run-1', code_commit: 'abc123', data: [{ name: 'corpus', digest: D('c'), uri: 'data/corpus.jsonl' }], params: { lr: 0.1, rank: 8, tag: 'x' }, parent_digest: D('f') },
    metrics: { accuracy: 0.81 },
    tags: { team: 'tutor' },
    description: 'lora adapter',
  };

  it('accepts a registration body as the registry documents it', () => {
    expect(registerVersionRequestSchema.parse(body)).toEqual(body);
    expect(registerVersionRequestSchema.safeParse({ manifest: { files: [] }, lineage: { data: [] } }).success).toBe(true);
  });

  it.each([
    ['an unknown top-level field', { ...body, owner: 'me' }],
    ['an unknown lineage field', { ...body, lineage: { ...body.lineage, author: 'x' } }],
    ['an unknown file field', { ...body, manifest: { files: [{ ...body.manifest.files[0], mode: 644 }] } }],
    ['an uppercase digest', { ...body, manifest: { files: [{ ...body.manifest.files[0], digest: `sha256:${'A'.repeat(64)}` }] } }],
    ['a negative size', { ...body, manifest: { files: [{ ...body.manifest.files[0], size: -1 }] } }],
    ['a fractional size', { ...body, manifest: { files: [{ ...body.manifest.files[0], size: 1.5 }] } }],
    ['an empty path', { ...body, manifest: { files: [{ ...body.manifest.files[0], path: '' }] } }],
    ['missing lineage', { manifest: body.manifest }],
    ['a string metric', { ...body, metrics: { accuracy: '0.8' } }],
    ['a numeric tag', { ...body, tags: { n: 1 } }],
  ])('rejects %s', (_, bad) => {
    expect(registerVersionRequestSchema.safeParse(bad).success).toBe(false);
  });
});

describe('alias, promote, rollback, usage', () => {
  it('alias moves need a digest and a reason; expected_digest may be null', () => {
    expect(aliasMoveRequestSchema.safeParse({ digest: D('a'), expected_digest: D('b'), reason: 'swap' }).success).toBe(true);
    expect(aliasMoveRequestSchema.safeParse({ digest: D('a'), expected_digest: null, reason: 'create' }).success).toBe(true);
    expect(aliasMoveRequestSchema.safeParse({ digest: D('a') }).success).toBe(false);
    expect(aliasMoveRequestSchema.safeParse({ digest: D('a'), reason: '   ' }).success).toBe(false);
    expect(aliasMoveRequestSchema.safeParse({ digest: 'production', reason: 'x' }).success).toBe(false);
  });

  it('promote needs a valid semver', () => {
    expect(promoteRequestSchema.safeParse({ digest: D('a'), semver: 'v1.2.0', verdict_id: 'v-1', reason: 'gate passed' }).success).toBe(true);
    expect(promoteRequestSchema.safeParse({ digest: D('a'), semver: '1.2.0', reason: 'x' }).success).toBe(false);
    expect(promoteRequestSchema.safeParse({ digest: D('a'), semver: 'v1.2.0', reason: 'x', force: true }).success).toBe(false);
  });

  it('rollback accepts any reference kind as target', () => {
    for (const to of [D('a'), 'aaaaaaaaaaaa', 'v0.3.1', 'previous-prod', undefined]) {
      expect(rollbackRequestSchema.safeParse({ to, reason: 'bad canary' }).success).toBe(true);
    }
    expect(rollbackRequestSchema.safeParse({ to: '../x', reason: 'r' }).success).toBe(false);
  });

  it('usage rollups are idempotent records with a sane window', () => {
    const rollup = {
      rollup_id: 'w1:sha:primary',
      role: 'primary',
      window_start: TIME,
      window_end: '2026-01-05T11:00:00Z',
      first_served_at: TIME,
      last_served_at: TIME,
      requests: 10,
      prompt_tokens: 40,
      completion_tokens: 30,
      cost_usd: 0.0012,
    };
    expect(usageRollupRequestSchema.safeParse(rollup).success).toBe(true);
    expect(usageRollupRequestSchema.safeParse({ ...rollup, window_end: '2026-01-05T09:00:00Z' }).success).toBe(false);
    expect(usageRollupRequestSchema.safeParse({ ...rollup, cost_usd: -1 }).success).toBe(false);
  });

  it('registry events name who, what and when', () => {
    const ev = { event_id: '7f1c1e3a-8b7e-4a5e-9c3d-2a1b0c9d8e7f', type: 'alias.moved', model: 'grammar-tutor', digest: D('a'), alias: 'staging', from: null, to: D('a'), actor: 'ci-bot', role: 'ci', reason: 'x', time: TIME };
    expect(registryEventSchema.safeParse(ev).success).toBe(true);
    expect(registryEventSchema.safeParse({ ...ev, role: 'root' }).success).toBe(false);
    expect(registryEventSchema.safeParse({ ...ev, type: 'deleted' }).success).toBe(false);
  });
});

describe('traffic plans', () => {
  it.each([
    { strategy: 'single' },
    { strategy: 'single', ref: 'production' },
    { strategy: 'ab', arms: [{ ref: 'v1.0.0', weight: 50 }, { ref: 'v1.1.0', weight: 50 }] },
    { strategy: 'ab', arms: [{ ref: 'production', weight: 1 }, { ref: 'staging', weight: 0 }] },
    { strategy: 'shadow', primary: 'production', shadow: 'candidate', percent: 10 },
    { strategy: 'canary', stable: 'production', canary: 'v1.1.0', weight: 5, status: 'progressing', steps: [5, 25, 50] },
    { strategy: 'canary', stable: 'production', canary: 'v1.1.0', weight: 5, steps: [{ setWeight: 5 }, { pause: { measurements: 3 } }, { setWeight: 25 }] },
    { strategy: 'bluegreen', active: 'production', preview: 'staging' },
  ])('accepts %j', (plan) => {
    expect(trafficPlanSchema.safeParse(plan).success).toBe(true);
  });

  it.each([
    ['weights summing to zero', { strategy: 'ab', arms: [{ ref: 'a1', weight: 0 }, { ref: 'b1', weight: 0 }] }],
    ['a negative weight', { strategy: 'ab', arms: [{ ref: 'a1', weight: -1 }, { ref: 'b1', weight: 2 }] }],
    ['no arms', { strategy: 'ab', arms: [] }],
    ['duplicate arms', { strategy: 'ab', arms: [{ ref: 'a1', weight: 1 }, { ref: 'a1', weight: 1 }] }],
    ['percent above 100', { strategy: 'shadow', primary: 'production', shadow: 'x1', percent: 101 }],
    ['percent below 0', { strategy: 'shadow', primary: 'production', shadow: 'x1', percent: -1 }],
    ['canary weight above 100', { strategy: 'canary', stable: 'production', canary: 'x1', weight: 150 }],
    // The last analysis needs stable traffic: success completes the rollout instead of a 100 % step.
    ['a canary step of 100', { strategy: 'canary', stable: 'production', canary: 'x1', weight: 5, steps: [5, 100] }],
    ['an unknown canary step', { strategy: 'canary', stable: 'production', canary: 'x1', weight: 5, steps: [{ setWeight: 5 }, { wait: 3 }] }],
    ['an unknown strategy', { strategy: 'mirror', primary: 'production' }],
    ['an unknown field', { strategy: 'bluegreen', active: 'production', preview: 'staging', extra: 1 }],
    ['a bad ref', { strategy: 'bluegreen', active: 'production', preview: '../etc' }],
  ])('rejects %s', (_, plan) => {
    expect(trafficPlanSchema.safeParse(plan).success).toBe(false);
  });
});
