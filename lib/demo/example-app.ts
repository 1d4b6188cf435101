import * as fs from 'fs';
import * as path from 'path';

/**
 * Which app the demo synthesizes, said plainly: always tokenscope's own acme
 * example (shipped in the package), never the main.ts of the directory it runs
 * in, which an ops repo has too.
 */
export function exampleApp(cwd: string): string {
  const file = require.resolve('../../main');
  const rel = path.relative(cwd, file);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  const own = fs.existsSync(path.join(cwd, 'main.ts')) && path.resolve(cwd, 'main.ts') !== file
    ? ' (not ./main.ts: the demo always checks this example against the demo org; `tokenscope drift` checks your app)'
    : '';
  return `tokenscope's built-in acme example app (${shown})${own}`;
}
