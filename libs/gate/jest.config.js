module.exports = { ...require('../../jest.preset.js'), displayName: 'gate-lib', rootDir: __dirname };
