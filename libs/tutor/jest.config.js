module.exports = { ...require('../../jest.preset.js'), displayName: 'tutor', rootDir: __dirname };
