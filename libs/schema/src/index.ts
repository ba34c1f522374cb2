export * from './names';
export * from './error-codes';
