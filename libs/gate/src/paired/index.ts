export * from './types';
export * from './constants';
export * from './decide-paired-gate';
export * from './decide-from-counts';
export * from './outcomes';
export * from './power';
export * from './baseline-outcomes';
export * from './paired-baseline';
