import { normalizeBaseUrl } from '../gitlab/config';
import type { LockFile } from '../lockfile';

/**
 * Why a lock file cannot be used for a stack on `baseUrl`: ids belong to one
 * GitLab instance, and a lock resolved against another would put another
 * instance's ids (other projects, or none) into the plan. Undefined when the
 * lock fits, or when either side does not say which instance it means.
 */
export function lockInstanceProblem(lock: LockFile | undefined, baseUrl: string | undefined): string | undefined {
  if (!lock?.gitlabUrl || !baseUrl) return undefined;
  let locked: string;
  let stack: string;
  try {
    locked = normalizeBaseUrl(lock.gitlabUrl);
    stack = normalizeBaseUrl(baseUrl);
  } catch {
    return `the lock file's gitlabUrl ${JSON.stringify(lock.gitlabUrl)} is not a URL; resolve it again with \`tokenscope resolve\``;
  }
  if (locked === stack) return undefined;
  return `the lock file was resolved against ${locked}, but the stack's baseUrl is ${stack}; ids belong to one instance. ` +
    `Synthesize with TOKENSCOPE_LOCK_FILE=off and run \`tokenscope resolve --url ${stack}\`, or fix baseUrl`;
}
