import * as fs from 'fs';

/**
 * Why a file could not be read, in words, with the system's code:
 * `permission denied (EACCES)`. A read failure is never reported as bad
 * content: the user fixes permissions, not JSON.
 */
export function readFailureReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return `permission denied (${code})`;
    case 'EISDIR': return 'it is a directory, not a file';
    case undefined: return e instanceof Error ? e.message : String(e);
    default: return code;
  }
}

/** Reads a UTF-8 file; a failure becomes `makeError("<file>: cannot read (<reason>)")`. */
export function readTextFile(file: string, makeError: (message: string) => Error, shown = file): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw makeError(`${shown}: cannot read (${readFailureReason(e)})`);
  }
}
