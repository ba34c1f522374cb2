// Every NATS subject, JetStream stream, BullMQ queue and NATS request pattern Lynx uses.
// Services import these; no subject string is written anywhere else.

export const STREAMS = {
  inference: { name: 'LYNX_INFERENCE', subjects: ['lynx.inference.>'] },
  registry: { name: 'LYNX_REGISTRY', subjects: ['lynx.registry.>'] },
  drift: { name: 'LYNX_DRIFT', subjects: ['lynx.drift.>'] },
  cost: { name: 'LYNX_COST', subjects: ['lynx.cost.>'] },
} as const;

export type StreamKey = keyof typeof STREAMS;

export const SUBJECTS = {
  inferenceCompleted: 'lynx.inference.completed',
  inferenceShadow: 'lynx.inference.shadow',
  inferenceFeedback: 'lynx.inference.feedback',
  inferenceDeadLetter: 'lynx.inference.dead_letter',
  registryVersionRegistered: 'lynx.registry.version.registered',
  registryAliasMoved: 'lynx.registry.alias.moved',
  registryPromoted: 'lynx.registry.promoted',
  registryRolledBack: 'lynx.registry.rolled_back',
  registryTrafficChanged: 'lynx.registry.traffic.changed',
  registryVerdictRecorded: 'lynx.registry.verdict.recorded',
  driftReport: 'lynx.drift.report',
  driftRetrainRequested: 'lynx.drift.retrain_requested',
  costRollup: 'lynx.cost.rollup',
} as const;

/** NATS core request/reply patterns (service-to-service queries). */
export const PATTERNS = {
  registryTrafficPlan: 'lynx.rpc.registry.traffic_plan',
  registryResolve: 'lynx.rpc.registry.resolve',
} as const;

export const QUEUES = {
  driftWindows: 'lynx-drift-windows',
  retrain: 'lynx-retrain',
  canaryAnalysis: 'lynx-canary-analysis',
  gateEvaluations: 'lynx-gate-evaluations',
  reports: 'lynx-reports',
} as const;

export const PORTS = {
  router: 7100,
  registry: 7101,
  gate: 7102,
  'drift-worker': 7103,
  'cost-emitter': 7104,
  'model-server': 7110,
} as const;

export type AppName = keyof typeof PORTS;

// `gate` is the gate service's own identity: it records verdicts it measured itself and moves
// canary traffic; it ranks below `ci` so it never changes a baseline.
export const ROLES = ['reader', 'trainer', 'operator', 'gate', 'ci', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Aliases with special rules: `production` moves only through promote/rollback. */
export const ALIASES = { production: 'production' } as const;

/** Response headers the router sets on every answer. */
export const HEADERS = {
  requestId: 'x-lynx-request-id',
  digest: 'x-lynx-digest',
  arm: 'x-lynx-arm',
  user: 'x-lynx-user',
} as const;
