import * as fs from 'fs';
import * as path from 'path';

const HELP_DIR = path.join(__dirname, '..', '..', 'help');

/** The page `help/<command>.md`, shown after commander's generated usage by `--help`. */
export function helpPage(command: string): string {
  const file = path.join(HELP_DIR, `${command}.md`);
  try {
    return '\n' + fs.readFileSync(file, 'utf8').trimEnd() + '\n';
  } catch {
    return '';
  }
}
