'use strict';
// Loads the project's TypeScript straight from source: transpile only (types are
// checked by `npm test`), no source-map hook. cdktf captures a stack trace for
// every token and data-source attribute it creates, and a source-map hook on
// Error.prepareStackTrace made large synths several times slower.
const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  resolveJsonModule: true,
};

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = function loadTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
    module._compile(outputText, filename);
  };
}
