export * from './performance-trigger';
export * from './volume-trigger';
export * from './schedule-trigger';
export * from './trigger-cooldown';
export * from './performance-min-judged';
