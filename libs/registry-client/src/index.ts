export * from './token';
export * from './errors';
export * from './transport';
export * from './types';
export * from './registry-client';
