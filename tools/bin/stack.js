#!/usr/bin/env node
// `npm run stack:up | stack:down | stack:status`: the local NATS (JetStream), Redis and, when
// LYNX_DATABASE_URL is set, PostgreSQL that Lynx's services need. Logic lives in tools/stack/.
require('../register');
require('../stack/main.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err);
    process.exit(2);
  });
