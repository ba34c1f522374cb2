import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from './openlineage-2-0-2.schema.json';

/** A validator of OpenLineage 2-0-2 RunEvents, for tests of every job that emits lineage. */
export function openLineageValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
