// Runs TypeScript sources directly (CLI, `nx serve`, benchmarks): SWC transpiles with
// decorator metadata (Nest needs it) and resolves the @lynx/* paths of tsconfig.base.json.
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
