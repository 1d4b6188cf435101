import * as path from 'path';
import { packageRoot } from '../util/package-root';

/** The root of this tokenscope installation (the directory holding its package.json). */
export const TOKENSCOPE_ROOT = packageRoot();

/**
 * Where the generated module imports `JobTokenScope` from: a relative path to
 * this checkout's `lib` when the file is written inside the tokenscope repo
 * itself (like `main.ts`), else the package name `tokenscope`.
 */
export function defaultImportFrom(outFile: string, root = TOKENSCOPE_ROOT): string {
  const rel = path.relative(root, path.resolve(outFile));
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
  if (!inside) return 'tokenscope';
  let spec = path.relative(path.dirname(path.resolve(outFile)), path.join(root, 'lib')).split(path.sep).join('/');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  return spec;
}
