module.exports = { ...require('../../jest.preset.js'), displayName: 'registry-client', rootDir: __dirname };
