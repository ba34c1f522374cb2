// Test fixtures for apps and libs built on the platform (`@lynx/platform/testing`).
export * from './testing/fixtures';
export * from './testing/registry-child';
export * from './testing/free-port';
export * from './testing/spawn-listening';
export * from './testing/passing-verdict';
export * from './testing/openlineage-schema';
export * from './testing/python-venv';
export * from './testing/mlflow-server';
export * from './testing/oidc-issuer';
export * from './testing/raw-http';
export * from './testing/redis-server-process';
export * from './testing/spawn-app';
export * from './testing/fuzz';
export * from './testing/until';
export * from './testing/kill-mid-stream';
