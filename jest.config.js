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
// A worker whose heap passes 2 GB after a test file is replaced by a fresh one. Each file loads its
// own copy of every module, and anything a file leaves registered with Node itself keeps that copy
// alive: one such leak (prom-client's GC observer, see libs/platform default-metrics.ts) once grew
// a worker to its ~4 GB heap limit. This keeps the next leak from failing CI the same way.
module.exports = { projects, maxWorkers: 2, testTimeout: 90000, workerIdleMemoryLimit: '2GB' };
