import { type ArmMeasurement, type CanaryPolicy, DEFAULT_CANARY_POLICY, canaryStages, initialCanaryState, reduceCanary, sequentialProportionLook, newSequentialState } from './index';

const arm = (o: Partial<ArmMeasurement> = {}): ArmMeasurement => ({ requests: 100, errors: 1, graded: 30, passed: 25, latencies: Array.from({ length: 10 }, (_, i) => 40 + i), ...o });
// A small horizon so a few measurements reach it: detect a 30 pp drop at α 0.05, power 0.8, 2 looks.
const policy: CanaryPolicy = { ...DEFAULT_CANARY_POLICY, steps: [{ setWeight: 10 }, { pause: { measurements: 2 } }, { setWeight: 50 }], alpha: 0.05, power: 0.8, looks: 2, passRateDrop: 0.3, baseErrorRate: 0.05, errorRateFactor: 5, latencyAlpha: 0.01 };
const stages = canaryStages(policy.steps);

describe('reduceCanary (sequential canary analysis)', () => {
  it('holds as inconclusive while the information is below the first look, and never steps', () => {
    const { state, decision } = reduceCanary(initialCanaryState(stages, 10), { stable: arm({ graded: 3, passed: 3 }), canary: arm({ graded: 1, passed: 0 }) }, policy, stages);
    expect(decision).toMatchObject({ outcome: 'inconclusive', action: 'hold', weight: 10 });
    expect(decision.checks.find((c) => c.metric === 'pass_rate')).toMatchObject({ result: 'inconclusive', p_value: null });
    expect(decision.reason).toMatch(/collecting: pass_rate 1 of \d+ canary observations/);
    expect(state.canary.graded).toBe(1);
  });

  it('steps a good canary through each stage and completes at the last, while stable still has traffic', () => {
    let state = initialCanaryState(stages, 10);
    const actions: string[] = [];
    for (let i = 0; i < 20 && state.phase === 'running'; i++) {
      const r = reduceCanary(state, { stable: arm(), canary: arm() }, policy, stages);
      actions.push(`${r.decision.action}@${r.decision.weight}`);
      state = r.state;
    }
    expect(actions.filter((a) => !a.startsWith('hold'))).toEqual(['step@50', 'complete@100']);
    expect(state.phase).toBe('completed');
    // The pause asked for 2 measurements at 10 %: never a step on the first.
    expect(actions[0]).toBe('hold@10');
  });

  it('aborts a canary whose pass rate is significantly lower, with the p-value and the boundary it crossed', () => {
    let state = initialCanaryState(stages, 10);
    let last;
    for (let i = 0; i < 10 && state.phase === 'running'; i++) {
      last = reduceCanary(state, { stable: arm({ passed: 27 }), canary: arm({ passed: 10 }) }, policy, stages);
      state = last.state;
    }
    expect(last!.decision).toMatchObject({ outcome: 'failed', action: 'abort', weight: 0 });
    const check = last!.decision.checks.find((c) => c.metric === 'pass_rate')!;
    expect(check.result).toBe('fail');
    expect(check.p_value!).toBeLessThan(check.boundary!);
    expect(state.phase).toBe('aborted');
  });

  it('aborts on a higher error rate and on a significant, material latency rise', () => {
    let state = initialCanaryState(stages, 10);
    let r = reduceCanary(state, { stable: arm({ errors: 2 }), canary: arm({ errors: 40 }) }, policy, stages);
    for (let i = 0; i < 5 && r.state.phase === 'running'; i++) r = reduceCanary(r.state, { stable: arm({ errors: 2 }), canary: arm({ errors: 40 }) }, policy, stages);
    expect(r.decision.checks.find((c) => c.metric === 'error_rate')?.result).toBe('fail');

    state = initialCanaryState(stages, 10);
    const slow = arm({ latencies: Array.from({ length: 10 }, (_, i) => 400 + i) });
    for (let i = 0; i < 10 && state.phase === 'running'; i++) {
      r = reduceCanary(state, { stable: arm(), canary: slow }, policy, stages);
      state = r.state;
    }
    expect(r.decision).toMatchObject({ action: 'abort' });
    expect(r.decision.checks.find((c) => c.metric === 'latency')).toMatchObject({ result: 'fail' });
  });

  it('does nothing more once aborted or completed', () => {
    const done = { ...initialCanaryState(stages, 10), phase: 'aborted' as const };
    expect(reduceCanary(done, { stable: arm(), canary: arm() }, policy, stages)).toMatchObject({ state: done, decision: { action: 'hold' } });
  });
});

describe('canary steps and policy', () => {
  it('reads Argo-style steps and bare numbers, and refuses weights that leave stable without traffic', () => {
    expect(canaryStages([5, { pause: { measurements: 3 } }, { setWeight: 25 }])).toEqual([
      { weight: 5, minMeasurements: 3 },
      { weight: 25, minMeasurements: 1 },
    ]);
    expect(() => canaryStages([5, 100])).toThrow('the last analysis needs stable traffic');
    expect(() => canaryStages([25, 5])).toThrow('must rise');
    expect(() => canaryStages([{ pause: { measurements: 1 } }])).toThrow('must follow a setWeight');
  });
  it('starts the analysis at the stage of the plan’s current weight', () => {
    expect(initialCanaryState(stages, 50)).toMatchObject({ stage: 1, weight: 50 });
    expect(initialCanaryState(stages, 0)).toMatchObject({ stage: 0, weight: 10 });
  });
});

describe('sequentialProportionLook', () => {
  const design = { harm: 'lower' as const, alpha: 0.025, looks: 4, maxInformation: 1000 };
  it('takes looks at k/K of the information and spends α as O’Brien–Fleming allows', () => {
    const x = { canaryHits: 40, canaryN: 50, stableHits: 40, stableN: 50 };
    expect(sequentialProportionLook(newSequentialState(), x, { ...design, information: 200 }).look.result).toBe('collecting');
    const first = sequentialProportionLook(newSequentialState(), x, { ...design, information: 260 });
    expect(first.look.result).toBe('continue');
    // 2*(1-norm.cdf(norm.ppf(1-0.025/2)/math.sqrt(0.26))) = 1.1038970794352565e-05
    expect(first.state.spent).toBeCloseTo(1.1038970794352565e-5, 12);
    const last = sequentialProportionLook(first.state, x, { ...design, information: 1200 });
    expect(last.look).toMatchObject({ result: 'accept', fraction: 1 });
    expect(last.state).toMatchObject({ looks: 4, accepted: true });
    expect(last.state.spent).toBeCloseTo(0.025, 12);
  });
});
