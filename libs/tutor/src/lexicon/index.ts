export * from './types';
export * from './spelling';
export * from './irregular';
export * from './lexicon';
