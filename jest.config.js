// One Jest run over every project: `npm test` and CI use this.
const fs = require('node:fs');
const path = require('node:path');
const projects = ['apps', 'libs'].flatMap((dir) =>
  fs.existsSync(path.join(__dirname, dir))
    ? fs.readdirSync(path.join(__dirname, dir))
        .map((name) => path.join(__dirname, dir, name, 'jest.config.js'))
        .filter((file) => fs.existsSync(file))
    : [],
);
// The tools project (local stack, build, compose and CI checks) sits at tools/ itself.
if (fs.existsSync(path.join(__dirname, 'tools', 'jest.config.js'))) projects.push(path.join(__dirname, 'tools', 'jest.config.js'));
module.exports = { projects, maxWorkers: 2, testTimeout: 90000 };
