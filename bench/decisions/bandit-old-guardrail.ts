// The bandit guardrail as it was before the always-valid rule, kept here only so the bench can
// show both side by side: a one-sided pooled two-proportion z-test of each arm's error rate
// against the other live arms at a fixed Bonferroni level 0.001/k, re-run at every
// reallocation with nothing spent for the repeated looks.
import { twoProportionZTest } from '@lynx/math';
import type { BanditErrorCounts } from '@lynx/gate';

export function oldBanditGuardrail(arms: readonly BanditErrorCounts[]): Array<{ name: string; drop: boolean }> {
  const level = 0.001 / Math.max(1, arms.length);
  return arms.map((a) => {
    const n2 = arms.reduce((s, o) => (o === a ? s : s + o.requests), 0);
    const x2 = arms.reduce((s, o) => (o === a ? s : s + o.errors), 0);
    if (a.requests < 50 || n2 < 50) return { name: a.name, drop: false };
    const { z, pValue } = twoProportionZTest(a.errors, a.requests, x2, n2);
    const oneSided = z > 0 ? pValue / 2 : 1 - pValue / 2;
    return { name: a.name, drop: oneSided < level && a.errors / a.requests - x2 / n2 >= 0.01 };
  });
}
