module.exports = { ...require('../../jest.preset.js'), displayName: 'cost-emitter', rootDir: __dirname };
