#!/usr/bin/env node
// `npm start [-- --built]`: brings the local stack up, then runs every app under apps/ (except the cli)
// with prefixed logs, restarting crashed apps, until Ctrl-C. Logic lives in tools/start/.
require('../register');
require('../start/main.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err);
    process.exit(2);
  });
