#!/usr/bin/env node
// Part of `npm run build`: copies the files the compiled code reads at run time
// and tsc does not emit (the provider stand-in's .proto files and their notice,
// the reach report's browser script)
// from lib/ to dist/lib/, keeping their paths.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const ASSET = /\.(proto|js)$|^NOTICE\.md$/;

function copy(dir) {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) copy(rel);
    else if (ASSET.test(e.name)) {
      fs.mkdirSync(path.join(root, 'dist', dir), { recursive: true });
      fs.copyFileSync(path.join(root, rel), path.join(root, 'dist', rel));
    }
  }
}
copy('lib');
