import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CanaryAnalysisState, CanaryDecision } from '@lynx/gate';
import { METRICS_REGISTRY } from '@lynx/platform';
import { CANARY_METRICS, CANARY_PHASES } from '@lynx/schema';

type Phase = (typeof CANARY_PHASES)[number];
const RESULT = { pass: 1, inconclusive: 0, fail: -1 } as const;

/**
 * The gate's canary series (names in CANARY_METRICS). Labels are bounded by the models with a
 * canary and their canary digests; a new canary of a model drops the old digest's series.
 */
@Injectable()
export class CanaryMetrics {
  private readonly phase: Gauge<'model' | 'digest' | 'phase'>;
  private readonly weight: Gauge<'model' | 'digest'>;
  private readonly requests: Gauge<'model' | 'digest' | 'arm'>;
  private readonly judged: Gauge<'model' | 'digest' | 'arm'>;
  private readonly passRate: Gauge<'model' | 'digest' | 'arm'>;
  private readonly errorRate: Gauge<'model' | 'digest' | 'arm'>;
  private readonly fraction: Gauge<'model' | 'digest' | 'check'>;
  private readonly pValue: Gauge<'model' | 'digest' | 'check'>;
  private readonly result: Gauge<'model' | 'digest' | 'check'>;
  private readonly decisions: Counter<'model' | 'digest' | 'action'>;
  private readonly digests = new Map<string, string>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    const arm = ['model', 'digest', 'arm'] as const;
    const check = ['model', 'digest', 'check'] as const;
    this.phase = new Gauge({ name: CANARY_METRICS.phase, help: 'Canary analysis phase (state set: 1 for the current phase)', labelNames: ['model', 'digest', 'phase'], registers });
    this.weight = new Gauge({ name: CANARY_METRICS.weight, help: 'Canary traffic weight, percent', labelNames: ['model', 'digest'], registers });
    this.requests = new Gauge({ name: CANARY_METRICS.requests, help: 'Requests counted in the current stage, per arm', labelNames: arm, registers });
    this.judged = new Gauge({ name: CANARY_METRICS.judged, help: 'Judged answers in the current stage, per arm', labelNames: arm, registers });
    this.passRate = new Gauge({ name: CANARY_METRICS.passRate, help: 'Pass rate of judged answers in the current stage, per arm', labelNames: arm, registers });
    this.errorRate = new Gauge({ name: CANARY_METRICS.errorRate, help: 'Error rate in the current stage, per arm', labelNames: arm, registers });
    this.fraction = new Gauge({ name: CANARY_METRICS.informationFraction, help: "Share of the power calculation's information reached, per check", labelNames: check, registers });
    this.pValue = new Gauge({ name: CANARY_METRICS.pValue, help: 'Last one-sided p-value of "the canary is worse", per check', labelNames: check, registers });
    this.result = new Gauge({ name: CANARY_METRICS.checkResult, help: 'Last result per check: 1 pass, 0 inconclusive, -1 fail', labelNames: check, registers });
    this.decisions = new Counter({ name: CANARY_METRICS.decisions, help: 'Canary measurement decisions by action', labelNames: ['model', 'digest', 'action'], registers });
  }

  /** Drops the series of the model's previous canary when a new one is analysed. */
  private track(model: string, digest: string): void {
    const before = this.digests.get(model);
    if (before && before !== digest) {
      // prom-client removes exact label sets: name every value of the extra label.
      const d = { model, digest: before };
      this.weight.remove(d);
      for (const phase of CANARY_PHASES) this.phase.remove({ ...d, phase });
      for (const arm of ['stable', 'canary']) for (const g of [this.requests, this.judged, this.passRate, this.errorRate]) g.remove({ ...d, arm });
      for (const check of ['pass_rate', 'error_rate', 'latency']) for (const g of [this.fraction, this.pValue, this.result]) g.remove({ ...d, check });
      for (const action of ['hold', 'step', 'abort', 'complete']) this.decisions.remove({ ...d, action });
    }
    this.digests.set(model, digest);
  }

  setPhase(model: string, digest: string, phase: Phase): void {
    this.track(model, digest);
    for (const p of CANARY_PHASES) this.phase.set({ model, digest, phase: p }, p === phase ? 1 : 0);
  }

  /** One measurement: the analysis after it and the decision it made. */
  measured(model: string, digest: string, state: CanaryAnalysisState, decision: CanaryDecision): void {
    this.setPhase(model, digest, state.phase);
    this.weight.set({ model, digest }, decision.weight);
    for (const [name, a] of [['stable', state.stable], ['canary', state.canary]] as const) {
      const labels = { model, digest, arm: name };
      this.requests.set(labels, a.requests);
      this.judged.set(labels, a.graded);
      if (a.graded > 0) this.passRate.set(labels, a.passed / a.graded);
      if (a.requests > 0) this.errorRate.set(labels, a.errors / a.requests);
    }
    for (const c of decision.checks) {
      const labels = { model, digest, check: c.metric };
      if (c.information_fraction !== undefined) this.fraction.set(labels, c.information_fraction);
      if (c.p_value !== null) this.pValue.set(labels, c.p_value);
      this.result.set(labels, RESULT[c.result]);
    }
    this.decisions.inc({ model, digest, action: decision.action });
  }
}
