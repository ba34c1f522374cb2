import { toVersion } from './registry-client';

const d = `sha256:${'a'.repeat(64)}`;
const evaluation = (created_at: string, accuracy: number) => ({ created_at, result: { overall: { accuracy, n: 10, passed: Math.round(accuracy * 10) } } });

describe('toVersion (accuracy for CpQU)', () => {
  it("takes the newest evaluation's overall accuracy, whether or not the version served", () => {
    const v = toVersion({ digest: d, semver: null, aliases: [], metrics: { accuracy: 0.3 }, serving: null, evaluations: [evaluation('2025-01-01T00:00:00Z', 0.5), evaluation('2025-02-01T00:00:00Z', 0.8)] });
    expect(v.accuracy).toBe(0.8);
    // The registry lists evaluations oldest first: on equal times the later one is the latest.
    expect(toVersion({ digest: d, evaluations: [evaluation('2025-01-01T00:00:00Z', 0.6), evaluation('2025-01-01T00:00:00Z', 0.65)] }).accuracy).toBe(0.65);
  });

  it('falls back to the registered metrics, else unknown', () => {
    expect(toVersion({ digest: d, metrics: { accuracy: 0.4 }, evaluations: [] }).accuracy).toBe(0.4);
    expect(toVersion({ digest: d }).accuracy).toBeNull();
    // A served-view field is not an evaluation: ignored.
    expect(toVersion({ digest: d, latest_accuracy: 0.9 }).accuracy).toBeNull();
  });
});
