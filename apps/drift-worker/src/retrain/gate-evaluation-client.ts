/** What the gate answered when the candidate's evaluation was queued, or why it was not. */
export interface GateEvaluationQueued {
  queued: boolean;
  /** The gate's job id (deterministic per candidate and baseline). */
  id?: string;
  state?: string;
  error?: string;
}

export interface GateEvaluations {
  enqueue(model: string, digest: string): Promise<GateEvaluationQueued>;
}

/**
 * Queues a candidate's gate evaluation through the gate's public job API (POST
 * /v1/gate/evaluations, role trainer) rather than its queue, so the gate stays the only one that
 * knows how an evaluation job looks. The drift worker never promotes: the gate's verdict and its
 * promotion path decide. A gate that is down does not lose the candidate: the failure is
 * recorded in the retrain result and the evaluation can be queued by hand (lynx gate evaluate).
 */
export class HttpGateEvaluations implements GateEvaluations {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async enqueue(model: string, digest: string): Promise<GateEvaluationQueued> {
    let res: Response;
    try {
      res = await fetch(new URL('/v1/gate/evaluations', this.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: JSON.stringify({ model, ref: digest }),
      });
    } catch (err) {
      return { queued: false, error: `gate unreachable at ${this.baseUrl} (${(err as Error).message}); set LYNX_GATE_URL, then queue it by hand` };
    }
    const text = await res.text();
    if (!res.ok) return { queued: false, error: `gate answered ${res.status}: ${text.slice(0, 500)}` };
    const body = JSON.parse(text) as { id?: string; state?: string };
    return { queued: true, id: body.id, state: body.state };
  }
}
