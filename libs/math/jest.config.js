module.exports = { ...require('../../jest.preset.js'), displayName: 'math', rootDir: __dirname };
