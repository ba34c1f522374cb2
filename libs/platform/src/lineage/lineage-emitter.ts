import { lineageSink, type LineageSink } from './openlineage-emitter';
import { lineageRunEvent, newLineageRunId, type LineageDataset, type LynxLineageJob } from './openlineage-event';

/** Nest provider token of the app's LineageEmitter. */
export const LINEAGE_EMITTER = 'LYNX_LINEAGE_EMITTER';

export interface LineageRunFacts {
  inputs?: LineageDataset[];
  outputs?: LineageDataset[];
  details?: Record<string, string | number | boolean | null>;
}

/**
 * Emits a START and a COMPLETE (or FAIL) RunEvent around one Lynx job, under the app's namespace,
 * to LYNX_OPENLINEAGE_URL. `run` returns the job's own result; lineage never changes it.
 */
export class LineageEmitter {
  private readonly sink: LineageSink;

  constructor(
    target: string | undefined,
    private readonly namespace: string,
    onError: (err: Error) => void = () => undefined,
  ) {
    this.sink = lineageSink(target, onError);
  }

  async run<T>(job: LynxLineageJob, facts: LineageRunFacts, fn: () => Promise<T>, outcome?: (result: T) => LineageRunFacts): Promise<T> {
    const runId = newLineageRunId();
    const base = { job, namespace: this.namespace, runId };
    await this.sink.emit(lineageRunEvent({ ...base, eventType: 'START', inputs: facts.inputs, details: facts.details }));
    try {
      const result = await fn();
      const after = outcome?.(result) ?? {};
      await this.sink.emit(
        lineageRunEvent({
          ...base,
          eventType: 'COMPLETE',
          inputs: after.inputs ?? facts.inputs,
          outputs: after.outputs ?? facts.outputs,
          details: { ...facts.details, ...after.details },
        }),
      );
      return result;
    } catch (err) {
      await this.sink.emit(lineageRunEvent({ ...base, eventType: 'FAIL', inputs: facts.inputs, details: facts.details, error: (err as Error).message }));
      throw err;
    }
  }
}

/** A model version as an OpenLineage dataset: `<model>@<digest>` in the registry's namespace. */
export function modelDataset(model: string, digest: string): LineageDataset {
  return { namespace: 'lynx-registry', name: `${model}@${digest}`, version: digest, type: 'MODEL' };
}
