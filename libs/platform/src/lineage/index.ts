export * from './openlineage-event';
export * from './openlineage-emitter';
