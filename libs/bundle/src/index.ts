export * from './errors';
export * from './digest';
export * from './path';
export * from './manifest';
export * from './hash-file';
export * from './walk';
export * from './bundle';
export * from './data-snapshot';
