import * as fs from 'fs';
import * as path from 'path';

import { packageRoot } from '../util/package-root';

/** The page `help/<command>.md`, shown after commander's generated usage by `--help`. */
export function helpPage(command: string): string {
  const file = path.join(packageRoot(), 'help', `${command}.md`);
  try {
    return '\n' + fs.readFileSync(file, 'utf8').trimEnd() + '\n';
  } catch {
    return '';
  }
}
