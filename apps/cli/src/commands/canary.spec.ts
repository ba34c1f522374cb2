import { canaryStatusExitCode, formatCanaryStatus } from './canary';

const status = {
  model: 'grammar-tutor',
  active: true,
  canary_digest: 'sha256:' + 'a'.repeat(64),
  analysis: { phase: 'running', stage: 0, weight: 5, measurements: 3, stable: { requests: 950, errors: 9, graded: 280, passed: 230 }, canary: { requests: 50, errors: 1, graded: 15, passed: 12 } },
  last: {
    at: '2026-12-06T02:00:00.000Z',
    outcome: 'inconclusive',
    action: 'hold',
    reason: 'at 5%, collecting: pass_rate 15 of 713 canary observations (2% of the horizon)',
    checks: [
      { metric: 'pass_rate', stable: 0.8214, canary: 0.8, result: 'inconclusive', p_value: null, boundary: null, information_fraction: 0.021, canary_n: 15, canary_needed: 713 },
      { metric: 'error_rate', stable: 0.0095, canary: 0.02, result: 'inconclusive', p_value: null, boundary: null, information_fraction: 0.06, canary_n: 50, canary_needed: 813 },
    ],
  },
};

describe('lynx canary status', () => {
  it('shows the stage, the counts and each check with its evidence against the horizon', () => {
    const text = formatCanaryStatus(status);
    expect(text).toMatch(/grammar-tutor {2}analysing {2}phase running {2}stage 1 {2}weight 5% {2}measurements 3/);
    expect(text).toMatch(/canary\s+50\s+1\s+15\s+12/);
    expect(text).toMatch(/pass_rate\s+0\.821\s+0\.800\s+inconclusive\s+-\s+-\s+2%\s+15\/713/);
    expect(text).toMatch(/last .*: inconclusive → hold \(at 5%, collecting/);
  });
  it('exits 1 when the analysis aborted the canary, 0 otherwise', () => {
    expect(canaryStatusExitCode(status)).toBe(0);
    expect(canaryStatusExitCode({ ...status, analysis: { ...status.analysis, phase: 'aborted' } })).toBe(1);
  });
});
