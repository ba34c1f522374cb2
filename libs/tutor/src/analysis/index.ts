export * from './analyse';
