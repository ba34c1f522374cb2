import { type ArmStats, DEFAULT_CANARY_POLICY, decideCanary, nextCanaryWeight } from './canary';

const arm = (over: Partial<ArmStats> = {}): ArmStats => ({ requests: 100, errors: 1, p99Ms: 40, graded: 50, passed: 45, ...over });
const policy = { ...DEFAULT_CANARY_POLICY, failureLimit: 2 };

describe('decideCanary (AnalysisRun semantics)', () => {
  it('steps 5 → 25 → 50 → 100 on successful measurements, then completes', () => {
    let state = { weight: 5, failures: 0 };
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = decideCanary(state, arm(), arm());
      expect(d.outcome).toBe('successful');
      if (d.action === 'complete') break;
      state = { weight: d.weight, failures: d.failures };
      seen.push(d.weight);
    }
    expect(seen).toEqual([25, 50, 100]);
    expect(decideCanary({ weight: 100, failures: 0 }, arm(), arm()).action).toBe('complete');
  });

  it('too few requests in either arm is inconclusive and holds without counting a failure', () => {
    const d = decideCanary({ weight: 5, failures: 1 }, arm(), arm({ requests: 3, errors: 3 }), policy);
    expect(d).toMatchObject({ outcome: 'inconclusive', action: 'hold', weight: 5, failures: 1 });
  });

  it('a failing check holds until failures reach the limit, then aborts to weight 0', () => {
    const bad = arm({ errors: 30 });
    const first = decideCanary({ weight: 25, failures: 0 }, arm(), bad, policy);
    expect(first).toMatchObject({ outcome: 'failed', action: 'hold', weight: 25, failures: 1 });
    const second = decideCanary({ weight: 25, failures: first.failures }, arm(), bad, policy);
    expect(second).toMatchObject({ outcome: 'failed', action: 'abort', weight: 0, failures: 2 });
    expect(second.checks.find((c) => c.metric === 'error_rate')).toMatchObject({ result: 'fail', canary: 0.3, limit: 0.03 });
  });

  it('judges p99 latency and pass rate against the stable arm; skips pass rate with too few judged answers', () => {
    expect(decideCanary({ weight: 5, failures: 0 }, arm(), arm({ p99Ms: 200 }), policy).checks.find((c) => c.metric === 'p99_latency_ms')?.result).toBe('fail');
    expect(decideCanary({ weight: 5, failures: 0 }, arm(), arm({ p99Ms: 80 }), policy).outcome).toBe('successful');
    const wrong = decideCanary({ weight: 5, failures: 0 }, arm(), arm({ passed: 20 }), policy);
    expect(wrong.checks.find((c) => c.metric === 'pass_rate')).toMatchObject({ result: 'fail', stable: 0.9, canary: 0.4 });
    // 26/30 vs 29/30 is a 10-point drop but not significant (one-sided p ≈ 0.08): no failure from noise.
    const noisy = decideCanary({ weight: 5, failures: 0 }, arm({ graded: 30, passed: 29 }), arm({ graded: 30, passed: 26 }), policy);
    expect(noisy.checks.find((c) => c.metric === 'pass_rate')).toMatchObject({ result: 'pass', p_value: expect.any(Number) });
    const few = decideCanary({ weight: 5, failures: 0 }, arm(), arm({ graded: 5, passed: 0 }), policy);
    expect(few.checks.find((c) => c.metric === 'pass_rate')?.result).toBe('skipped');
    expect(few.outcome).toBe('successful');
  });

  it('nextCanaryWeight always ends at 100', () => {
    expect(nextCanaryWeight(0, [5, 25])).toBe(5);
    expect(nextCanaryWeight(25, [5, 25])).toBe(100);
    expect(nextCanaryWeight(100, [5, 25])).toBeUndefined();
    expect(() => decideCanary({ weight: 5, failures: 0 }, arm(), arm(), { ...policy, failureLimit: 0 })).toThrow('failureLimit');
  });
});
