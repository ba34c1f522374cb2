export * from './names';
export * from './error-codes';
export * from './errors';
