export * from './openlineage-event';
export * from './openlineage-emitter';
export * from './lineage-emitter';
