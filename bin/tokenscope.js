#!/usr/bin/env node
'use strict';
const path = require('path');
require('ts-node').register({
  transpileOnly: true,
  project: path.join(__dirname, '..', 'tsconfig.json'),
});
require('../lib/cli/main').runCli(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    // Last-resort handler: commands mask tokens themselves; never print a raw stack with env values.
    process.stderr.write(`tokenscope: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
