#!/usr/bin/env node
'use strict';
require('./ts-register');
const { runCli } = require('../lib/cli/main');
const { envMasker } = require('../lib/gitlab/secrets');

runCli(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    // Last resort: commands report their own errors; this one still masks every
    // secret-looking environment value and never prints a stack.
    const mask = envMasker(process.env);
    process.stderr.write(`tokenscope: ${mask(err && err.message ? err.message : String(err))}\n`);
    process.exitCode = 1;
  },
);
