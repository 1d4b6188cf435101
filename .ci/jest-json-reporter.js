// Writes jest's aggregated result (the same object `jest --json` prints) to
// $JEST_JSON_OUTPUT, so CI can count results while running plain `npm test`.
'use strict';
const fs = require('fs');

class JsonFileReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JEST_JSON_OUTPUT;
    if (!file) return;
    fs.writeFileSync(file, JSON.stringify(results));
  }
}
module.exports = JsonFileReporter;
