export * from './unsafe-path-error';
export * from './symlink-rejected-error';
export * from './unsupported-file-type-error';
export * from './duplicate-path-error';
export * from './invalid-digest-error';
export * from './invalid-manifest-error';
export * from './bundle-not-found-error';
