#!/usr/bin/env node
// `npx lynx …` from the repository: runs the CLI's TypeScript sources through SWC.
require('../register');
require('../../apps/cli/src/main.ts');
