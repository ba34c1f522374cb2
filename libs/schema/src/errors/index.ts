export * from './lynx-error';
export * from './validation-error';
export * from './not-found-error';
export * from './conflict-error';
export * from './unauthorized-error';
export * from './forbidden-error';
export * from './payload-too-large-error';
