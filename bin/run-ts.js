#!/usr/bin/env node
// Runs a TypeScript entry point from source as the main module.
'use strict';
const path = require('path');
require('./ts-register');
const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: run-ts.js FILE.ts [args...]\n');
  process.exit(64);
}
process.argv.splice(1, 2, path.resolve(entry));
require('module').runMain();
