export * from './dvc-hash';
export * from './dvc-tree';
