import type { CanaryStep } from '@lynx/schema';

/** One weight of a rollout and how many conclusive measurements it needs before the next. */
export interface CanaryStage {
  weight: number;
  minMeasurements: number;
}

/**
 * Argo-style steps → stages: each setWeight (or bare number) opens a stage; a following
 * `pause: {measurements: n}` makes that stage wait for n measurements. Weights must rise and stay
 * below 100 — the last stage is analysed against stable traffic and its success completes.
 */
export function canaryStages(steps: readonly CanaryStep[]): CanaryStage[] {
  const stages: CanaryStage[] = [];
  for (const step of steps) {
    if (typeof step === 'number' || 'setWeight' in step) {
      const weight = typeof step === 'number' ? step : step.setWeight;
      if (!(weight > 0 && weight < 100)) throw new RangeError(`canary setWeight must be in (0, 100), got ${weight}: the last analysis needs stable traffic, and its success completes the rollout`);
      const last = stages[stages.length - 1];
      if (last && weight <= last.weight) throw new RangeError(`canary weights must rise: ${weight} after ${last.weight}`);
      stages.push({ weight, minMeasurements: 1 });
    } else {
      const last = stages[stages.length - 1];
      if (!last) throw new RangeError('a canary pause must follow a setWeight');
      last.minMeasurements = Math.max(last.minMeasurements, step.pause.measurements);
    }
  }
  if (stages.length === 0) throw new RangeError('canary steps must set at least one weight');
  return stages;
}

/** The stage whose weight a plan at `weight` runs (the highest stage at or below it; the first otherwise). */
export function stageIndexFor(stages: readonly CanaryStage[], weight: number): number {
  let index = 0;
  stages.forEach((s, i) => {
    if (s.weight <= weight) index = i;
  });
  return index;
}
