import { Construct } from 'constructs';
import { LockFile, loadLockFile, readLockFile, LOCK_FILE_NAME } from '../lockfile';

/**
 * Where a stack's path -> id lock comes from:
 * - a `LockFile` object, or a file path (relative to the working directory);
 * - `false` to always resolve through data sources;
 * - unset: `tokenscope.lock.json` in the working directory if it exists.
 * When unset, the environment variable `TOKENSCOPE_LOCK_FILE` (a path, or `off`)
 * and then the node context key `tokenscope:lockFile` (a path or `false`) decide.
 * `TOKENSCOPE_LOCK_FILE=off npx cdktf synth` is how an app that already has a lock
 * file is synthesized after adding a path, so that `tokenscope resolve` sees it.
 */
export type LockSource = LockFile | string | false;

export const LOCK_CONTEXT_KEY = 'tokenscope:lockFile';
export const LOCK_ENV_VAR = 'TOKENSCOPE_LOCK_FILE';

export function loadLock(scope: Construct, explicit: LockSource | undefined): LockFile | undefined {
  let source: LockSource | undefined = explicit;
  const fromEnv = process.env[LOCK_ENV_VAR];
  if (source === undefined && fromEnv !== undefined && fromEnv !== '') {
    source = /^(off|false|none)$/i.test(fromEnv) ? false : fromEnv;
  }
  if (source === undefined) {
    const ctx = scope.node.tryGetContext(LOCK_CONTEXT_KEY) as unknown;
    if (ctx === false || ctx === 'false') source = false;
    else if (typeof ctx === 'string') source = ctx;
  }
  if (source === false) return undefined;
  if (source === undefined) return readLockFile(process.cwd());
  if (typeof source === 'string') return loadLockFile(source, process.cwd());
  return source;
}

export { LOCK_FILE_NAME };
