export * from './pooled-chi-square';
export * from './histogram-drift';
export * from './drift-level';
export * from './drift-minimum-window';
export * from './decide-drift';
