import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Artifact {
  name: string;
  digest: string;
  path?: string;
  [k: string]: unknown;
}

export interface Step {
  /** What a user types to repeat the step (`lynx …`, or curl for routes the CLI does not wrap). */
  command: string;
  ms: number;
  ok: boolean;
  /** The command's output (trimmed) or a one-line result. */
  output?: string;
}

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export interface ExperimentManifest {
  experiment: string;
  title: string;
  run_id: string;
  started_at: string;
  finished_at?: string;
  seconds?: number;
  passed: boolean;
  error?: string;
  inputs: Artifact[];
  commands: Step[];
  outputs: Artifact[];
  figures: Record<string, unknown>;
  checks: Check[];
}

/** Collects one experiment's evidence and writes runs/<run id>/<experiment>/manifest.json. */
export class Manifest {
  readonly data: ExperimentManifest;
  readonly dir: string;
  private readonly t0 = Date.now();

  constructor(runDir: string, runId: string, experiment: string, title: string) {
    this.dir = path.join(runDir, experiment);
    fs.mkdirSync(this.dir, { recursive: true });
    this.data = { experiment, title, run_id: runId, started_at: new Date().toISOString(), passed: false, inputs: [], commands: [], outputs: [], figures: {}, checks: [] };
  }

  input(a: Artifact): void {
    this.data.inputs.push(a);
  }

  output(a: Artifact): void {
    this.data.outputs.push(a);
  }

  step(s: Step): void {
    this.data.commands.push(s);
  }

  figure(name: string, value: unknown): void {
    this.data.figures[name] = value;
  }

  /** Records a pass/fail check; the experiment passes only when every check passed. */
  check(name: string, passed: boolean, detail: string): boolean {
    this.data.checks.push({ name, passed, detail });
    return passed;
  }

  finish(error?: Error): ExperimentManifest {
    this.data.finished_at = new Date().toISOString();
    this.data.seconds = Math.round((Date.now() - this.t0) / 100) / 10;
    if (error) this.data.error = error.message;
    this.data.passed = !error && this.data.checks.length > 0 && this.data.checks.every((c) => c.passed);
    fs.writeFileSync(path.join(this.dir, 'manifest.json'), `${JSON.stringify(this.data, null, 2)}\n`);
    return this.data;
  }
}
