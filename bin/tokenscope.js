#!/usr/bin/env node
'use strict';
require('./ts-register');
require('../lib/cli/main').runCli(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    // Last resort: commands report their own errors with tokens masked; never dump a stack with env values.
    process.stderr.write(`tokenscope: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
