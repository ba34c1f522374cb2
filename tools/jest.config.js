// Specs for the developer tooling: local stack, supervisor, build, compose file and CI workflow.
module.exports = { ...require('../jest.preset.js'), displayName: 'tools', rootDir: __dirname };
