module.exports = { ...require('../../jest.preset.js'), displayName: 'drift-worker', rootDir: __dirname };
