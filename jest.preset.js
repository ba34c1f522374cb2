// Shared Jest settings: SWC transform (fast, keeps decorator metadata) and @lynx/* paths.
const path = require('node:path');
const root = __dirname;
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
module.exports = {
  testEnvironment: 'node',
  // Integration tests start real servers and CLI processes; on 2 busy cores 5 s is too tight.
  testTimeout: 90000,
  transform: {
    '^.+\\.ts$': swc,
    // kysely ships ESM only, and PGlite's CommonJS build loads modules with dynamic import(),
    // which Jest's CommonJS runtime cannot run: SWC turns both into plain CommonJS. Any project
    // whose tests start the registry in process needs this.
    '^.+/node_modules/(kysely|@electric-sql/pglite)/.+\\.c?js$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!(kysely|@electric-sql/pglite)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@lynx/(math|schema|bundle|tutor|platform|gate|registry-client)$': path.join(root, 'libs/$1/src/index.ts'),
    '^@lynx/(tutor|platform|bundle)/testing$': path.join(root, 'libs/$1/src/testing.ts'),
  },
  testMatch: ['**/?(*.)+(spec|test).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
