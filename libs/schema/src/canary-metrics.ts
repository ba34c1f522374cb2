// Prometheus series the gate exports for each canary analysis, so an Argo Rollouts or Flagger
// AnalysisTemplate (or an alert) can read the same state the gate acts on. Labels: model and the
// canary's digest; `arm` is stable|canary, `check` pass_rate|error_rate|latency.
export const CANARY_METRICS = {
  /** State set: 1 for the analysis' current phase (running, paused, aborted, completed), 0 for the others. */
  phase: 'lynx_canary_analysis_phase',
  /** The canary's traffic weight, percent. */
  weight: 'lynx_canary_weight_percent',
  /** The stage's accumulated counts per arm: requests, judged answers, and the rates from them. */
  requests: 'lynx_canary_requests',
  judged: 'lynx_canary_judged',
  passRate: 'lynx_canary_pass_rate',
  errorRate: 'lynx_canary_error_rate',
  /** Per check: share of the power calculation's horizon reached, last one-sided p-value, and 1/0/-1 for pass/inconclusive/fail. */
  informationFraction: 'lynx_canary_information_fraction',
  pValue: 'lynx_canary_check_p_value',
  checkResult: 'lynx_canary_check_result',
  /** Counter of measurement decisions by action: hold, step, abort, complete. */
  decisions: 'lynx_canary_decisions_total',
} as const;

export const CANARY_PHASES = ['running', 'paused', 'aborted', 'completed'] as const;

/**
 * Canary measurements the gate keeps per rollout (model and canary digest), newest first: every
 * decision with its figures, for the timeline of GET /v1/gate/canaries/{model}/measurements.
 */
export const CANARY_HISTORY_MAX = 500;
