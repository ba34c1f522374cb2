import { randomUUID } from 'node:crypto';

// OpenLineage 2-0-2 RunEvents (https://openlineage.io/spec/2-0-2/OpenLineage.json), as Marquez and
// every OpenLineage consumer read them. Built here as plain objects: there is no official JS client.

export const OPENLINEAGE_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
/** Who wrote the events: OpenLineage asks for a URI naming the producer and its version. */
export const LYNX_OPENLINEAGE_PRODUCER = 'urn:lynx:openlineage-producer:0.1.0';

const FACET_SCHEMAS = {
  datasetVersion: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
  datasetType: 'https://openlineage.io/spec/facets/1-0-1/DatasetTypeDatasetFacet.json#/$defs/DatasetTypeDatasetFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  sourceCodeLocation: 'https://openlineage.io/spec/facets/1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet',
  errorMessage: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  parent: 'https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet',
  lynx: 'urn:lynx:openlineage-facet:LynxRunFacet:1',
} as const;

export type LineageEventType = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

/** The Lynx jobs that emit lineage; their OpenLineage job name is `lynx.<job>`. */
export type LynxLineageJob = 'train' | 'register' | 'evaluate' | 'promote' | 'retrain';

export interface LineageDataset {
  /** e.g. `lynx://registry` for model versions, `file` for data in the repository */
  namespace: string;
  /** e.g. `grammar-tutor@sha256:…` or `data/corpus` */
  name: string;
  /** a content digest or DVC hash: becomes the datasetVersion facet */
  version?: string;
  /** MODEL, FILE, … (datasetType facet) */
  type?: 'MODEL' | 'FILE' | 'TABLE';
}

export interface LineageRunInput {
  eventType: LineageEventType;
  job: LynxLineageJob;
  /** the job's namespace: LYNX_NAMESPACE, so tenants stay apart in Marquez as they do in NATS */
  namespace: string;
  /** a UUID shared by a run's START and its COMPLETE/FAIL; newLineageRunId() makes one */
  runId: string;
  inputs?: LineageDataset[];
  outputs?: LineageDataset[];
  /** Lynx's own facts about the run (model, digest, semver, verdict, MLflow run id…) */
  details?: Record<string, string | number | boolean | null>;
  error?: string;
  parent?: { runId: string; namespace: string; job: string };
  eventTime?: Date;
}

export function newLineageRunId(): string {
  return randomUUID();
}

const facet = (schema: keyof typeof FACET_SCHEMAS, body: Record<string, unknown>) => ({
  _producer: LYNX_OPENLINEAGE_PRODUCER,
  _schemaURL: FACET_SCHEMAS[schema],
  ...body,
});

function dataset(d: LineageDataset) {
  const facets: Record<string, unknown> = {};
  if (d.version) facets.version = facet('datasetVersion', { datasetVersion: d.version });
  if (d.type) facets.datasetType = facet('datasetType', { datasetType: d.type });
  return { namespace: d.namespace, name: d.name, ...(Object.keys(facets).length ? { facets } : {}) };
}

/** One RunEvent, shaped and validated against the 2-0-2 schema in openlineage-event.spec.ts. */
export function lineageRunEvent(input: LineageRunInput) {
  const runFacets: Record<string, unknown> = {};
  if (input.details) runFacets.lynx = facet('lynx', input.details);
  if (input.error) runFacets.errorMessage = facet('errorMessage', { message: input.error, programmingLanguage: 'TypeScript' });
  if (input.parent) {
    runFacets.parent = facet('parent', {
      run: { runId: input.parent.runId },
      job: { namespace: input.parent.namespace, name: input.parent.job },
    });
  }
  return {
    eventType: input.eventType,
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    producer: LYNX_OPENLINEAGE_PRODUCER,
    schemaURL: OPENLINEAGE_SCHEMA_URL,
    run: { runId: input.runId, ...(Object.keys(runFacets).length ? { facets: runFacets } : {}) },
    job: {
      namespace: input.namespace,
      name: `lynx.${input.job}`,
      facets: { jobType: facet('jobType', { processingType: 'BATCH', integration: 'LYNX', jobType: input.job.toUpperCase() }) },
    },
    inputs: (input.inputs ?? []).map(dataset),
    outputs: (input.outputs ?? []).map(dataset),
  };
}

export type LineageRunEvent = ReturnType<typeof lineageRunEvent>;
