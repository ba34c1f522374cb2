import { errorResponseSchema } from './error-response';
import { evalBaselineSchema, evalResultSchema, gateVerdictSchema } from './eval';
import { feedbackRequestSchema, inferenceEventSchema, shadowPairEventSchema } from './inference';
import { driftReportSchema } from './drift';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const TIME = '2026-01-05T10:00:00.000Z';

const inference = {
  event_id: '7f1c1e3a-8b7e-4a5e-9c3d-2a1b0c9d8e7f',
  request_id: 'req-1',
  time: TIME,
  model: 'grammar-tutor',
  digest: D('a'),
  arm: 'stable',
  role: 'primary',
  user_hash: 'u1',
  input: 'he goed home',
  output: 'he went home',
  usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
  latency_ms: 12.5,
  upstream_latency_ms: 10,
  status: 'ok',
};

describe('inference events', () => {
  it('accepts a complete event and tolerates fields added later', () => {
    expect(inferenceEventSchema.parse(inference)).toEqual(inference);
    expect(inferenceEventSchema.safeParse({ ...inference, new_field: 1 }).success).toBe(true);
  });
  it.each([
    ['a non-uuid event_id', { event_id: 'x' }],
    ['an unknown role', { role: 'blue' }],
    ['a bad digest', { digest: 'sha256:XYZ' }],
    ['negative tokens', { usage: { prompt_tokens: -1, completion_tokens: 0, total_tokens: 0 } }],
    ['a time without zone', { time: '2026-01-05T10:00:00' }],
    ['a string latency', { latency_ms: '12' }],
    ['an unknown status', { status: 'maybe' }],
  ])('rejects %s', (_, patch) => {
    expect(inferenceEventSchema.safeParse({ ...inference, ...patch }).success).toBe(false);
  });

  it('pairs a primary and a shadow answer', () => {
    const side = { digest: D('a'), arm: 'primary', output: 'he went', latency_ms: 3, status: 'ok' };
    const pair = { event_id: inference.event_id, request_id: 'r', time: TIME, model: 'grammar-tutor', input: 'he goed', primary: side, shadow: { ...side, digest: D('b'), status: 'error', error: { code: 'timeout', message: 'slow' } } };
    expect(shadowPairEventSchema.safeParse(pair).success).toBe(true);
    expect(shadowPairEventSchema.safeParse({ ...pair, shadow: undefined }).success).toBe(false);
  });

  it('feedback requests are strict', () => {
    expect(feedbackRequestSchema.safeParse({ request_id: 'r', accepted: false, correction: 'he went' }).success).toBe(true);
    expect(feedbackRequestSchema.safeParse({ request_id: 'r', accepted: 'yes' }).success).toBe(false);
    expect(feedbackRequestSchema.safeParse({ request_id: 'r', accepted: true, rating: 5 }).success).toBe(false);
  });
});

describe('eval', () => {
  const baseline = {
    eval_set_digest: D('e'),
    baseline_digest: D('b'),
    previous_baseline_digest: null,
    tolerance_pp: 0.02,
    buckets: { 'tense.past_simple': { accuracy: 0.77, n: 240 } },
  };

  it('accepts the committed baseline shape', () => {
    expect(evalBaselineSchema.parse(baseline)).toEqual(baseline);
    expect(evalBaselineSchema.safeParse({ ...baseline, previous_baseline_digest: D('c') }).success).toBe(true);
  });
  it('rejects a baseline missing previous_baseline_digest, with unknown fields or accuracy > 1', () => {
    const { previous_baseline_digest: _, ...missing } = baseline;
    expect(evalBaselineSchema.safeParse(missing).success).toBe(false);
    expect(evalBaselineSchema.safeParse({ ...baseline, extra: 1 }).success).toBe(false);
    expect(evalBaselineSchema.safeParse({ ...baseline, buckets: { x: { accuracy: 1.2, n: 3 } } }).success).toBe(false);
  });

  it('eval results need passed ≤ n', () => {
    const result = {
      model_digest: D('a'),
      eval_set_digest: D('e'),
      variant: 'lora',
      overall: { accuracy: 0.8, n: 10, passed: 8 },
      buckets: { 'tense.past_simple': { accuracy: 0.8, n: 10, passed: 8 } },
      created_at: TIME,
    };
    expect(evalResultSchema.safeParse(result).success).toBe(true);
    expect(evalResultSchema.safeParse({ ...result, overall: { accuracy: 1, n: 1, passed: 2 } }).success).toBe(false);
  });

  it('gate verdicts carry per-bucket results', () => {
    const verdict = {
      kind: 'gate',
      model: 'grammar-tutor',
      candidate_digest: D('a'),
      baseline_file_digest: D('f'),
      eval_set_digest: D('e'),
      tolerance_pp: 0.02,
      passed: false,
      buckets: [{ bucket: 'tense.past_participle', baseline: 0.8, candidate: 0.6, delta: -0.2, n: 200, ci_lower: 0.53, ci_upper: 0.66, p_value: 0.0001, verdict: 'regression' }],
      created_at: TIME,
    };
    expect(gateVerdictSchema.safeParse(verdict).success).toBe(true);
    expect(gateVerdictSchema.safeParse({ ...verdict, kind: 'force' }).success).toBe(false);
  });
});

describe('drift report', () => {
  const report = {
    id: 'r1',
    model: 'grammar-tutor',
    digest: D('a'),
    window: { id: 'w-2026-01', start: TIME, end: TIME },
    count: 1000,
    decision: 'retrain',
    metrics: [
      { feature: 'tense', kind: 'categorical', kl: 0.3, js: 0.2, threshold: 0.1, verdict: 'drift' },
      { feature: 'input_tokens', kind: 'scalar', psi: 0.3, ks: { statistic: 0.2, pValue: 0.001 }, threshold: 0.25, verdict: 'drift' },
    ],
    top_movers: [{ feature: 'tense', bucket: 'past_participle', metric: 'share_delta', score: 0.3 }],
  };
  it('accepts a report and defaults `against` to reference', () => {
    const parsed = driftReportSchema.parse(report);
    expect(parsed.metrics[0].against).toBe('reference');
  });
  it('rejects an unknown decision or a JS distance above 1', () => {
    expect(driftReportSchema.safeParse({ ...report, decision: 'panic' }).success).toBe(false);
    expect(driftReportSchema.safeParse({ ...report, metrics: [{ ...report.metrics[0], js: 1.5 }] }).success).toBe(false);
  });
});

describe('error response', () => {
  it('has the one shape', () => {
    expect(errorResponseSchema.safeParse({ error: { code: 'not_found', message: 'no such model' } }).success).toBe(true);
    expect(errorResponseSchema.safeParse({ error: { message: 'x' } }).success).toBe(false);
    expect(errorResponseSchema.safeParse({ code: 'x', message: 'y' }).success).toBe(false);
  });
});
