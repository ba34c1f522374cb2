// Shared Jest settings: SWC transform (fast, keeps decorator metadata) and @lynx/* paths.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  // Integration tests start real servers and CLI processes; on 2 busy cores 5 s is too tight.
  testTimeout: 30000,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@lynx/(math|schema|bundle|tutor|platform|gate)$': path.join(root, 'libs/$1/src/index.ts'),
    '^@lynx/(tutor|platform|bundle)/testing$': path.join(root, 'libs/$1/src/testing.ts'),
  },
  testMatch: ['**/?(*.)+(spec|test).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
