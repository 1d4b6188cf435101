import * as fs from 'fs';
import * as path from 'path';

/**
 * The directory holding tokenscope's own package.json: the repository root when
 * running from source (`lib/...`), the package root when running compiled
 * (`dist/lib/...`) from an install. Found by walking up, so that both layouts
 * read `help/`, `templates/` and the version from the same place.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        if ((JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name === 'tokenscope') return dir;
      } catch {
        // Not ours (or unreadable): keep walking.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`tokenscope cannot find its own package.json above ${from}`);
  }
}

/** tokenscope's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
