// The shape every part of the decisions benchmark returns, so main.ts prints them alike and
// bench/RESULTS.md gets one table per decision with its targets.
import { wilsonInterval } from '@lynx/math';

export interface Target {
  /** e.g. "false promotion, 2x-tolerance drop in one bucket" */
  name: string;
  /** the measured rate or figure */
  value: number;
  /** how the target reads, e.g. "<= 0.001" */
  target: string;
  met: boolean;
}

export interface DecisionSection {
  title: string;
  /** one row per scenario; columns are the keys of the first row */
  rows: Array<Record<string, string | number>>;
  targets: Target[];
  /** how it was simulated: test named, trials, seed, anything a reviewer needs */
  notes?: string[];
}

export interface SectionOptions {
  trials: number;
  seed: number;
  /** called after each trial batch so main.ts can draw a progress bar */
  progress?: (done: number, total: number) => void;
}

export type SectionRunner = (options: SectionOptions) => DecisionSection | Promise<DecisionSection>;

/** A rate's 95 % Wilson interval as the tables print it, e.g. "0.046–0.054". */
export function wilsonCi(k: number, n: number): string {
  return formatInterval(wilsonInterval(k, n));
}

/** An interval as a table cell, for a row that also uses its bounds. */
export function formatInterval(w: { lower: number; upper: number }): string {
  return `${w.lower.toFixed(3)}–${w.upper.toFixed(3)}`;
}
