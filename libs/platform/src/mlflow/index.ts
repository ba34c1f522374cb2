export * from './mlflow-error';
export * from './mlflow-types';
export * from './mlflow-client';
export * from './mlflow-uri';
export * from './mirror-diff';
