module.exports = { ...require('../../jest.preset.js'), displayName: 'gate', rootDir: __dirname };
