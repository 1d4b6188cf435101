import * as fs from 'fs';
import * as path from 'path';
import { jsonErrorReason } from './util/json-error';
import { readFailureReason, readTextFile } from './util/read-file';

/**
 * `tokenscope.lock.json`: GitLab path -> numeric id for every project and group
 * an app names, written by `tokenscope resolve`. With it, synth emits literal ids
 * and no data sources, so plans make no lookups.
 */
export interface LockFile {
  readonly version: 1;
  /** Instance root the ids belong to; ids are meaningless on another instance. */
  readonly gitlabUrl?: string;
  readonly generatedAt?: string;
  /** Keys are lower-cased full paths (GitLab paths are case-insensitive). */
  readonly projects: Readonly<Record<string, number>>;
  readonly groups: Readonly<Record<string, number>>;
}

export const LOCK_FILE_NAME = 'tokenscope.lock.json';

export class LockFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockFileError';
  }
}

export function lockKey(fullPath: string): string {
  return fullPath.toLowerCase();
}

/**
 * What to do with a lock file that cannot be used. Not "run resolve" alone:
 * resolve and synth read the lock file too, so they would fail on it again.
 */
export function corruptLockFix(source: string): string {
  return `delete ${source}, synthesize without it (\`npx cdktf synth\`) and run \`tokenscope resolve\` to write it again`;
}

export function parseLockFile(text: string, source = LOCK_FILE_NAME): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LockFileError(`${source} is not valid JSON (${jsonErrorReason(e)}); ${corruptLockFix(source)}`);
  }
  const d = data as Partial<LockFile> | null;
  if (!d || typeof d !== 'object' || d.version !== 1 || typeof d.projects !== 'object' || typeof d.groups !== 'object' || !d.projects || !d.groups
    || Array.isArray(d.projects) || Array.isArray(d.groups)) {
    throw new LockFileError(`${source} is not a tokenscope lock file (expected {"version":1,"projects":{...},"groups":{...}}); ${corruptLockFix(source)}`);
  }
  if (d.gitlabUrl !== undefined && typeof d.gitlabUrl !== 'string') {
    throw new LockFileError(`${source}: gitlabUrl must be the GitLab URL as a string, got ${JSON.stringify(d.gitlabUrl)}; ${corruptLockFix(source)}`);
  }
  for (const kind of ['projects', 'groups'] as const) {
    for (const [p, id] of Object.entries(d[kind] as Record<string, unknown>)) {
      if (!Number.isSafeInteger(id) || (id as number) <= 0) {
        throw new LockFileError(`${source}: ${kind}["${p}"] must be a positive integer id, got ${JSON.stringify(id)}; ${corruptLockFix(source)}`);
      }
    }
  }
  const lower = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [lockKey(k), v]));
  return {
    version: 1,
    gitlabUrl: d.gitlabUrl,
    generatedAt: d.generatedAt,
    projects: lower(d.projects as Record<string, number>),
    groups: lower(d.groups as Record<string, number>),
  };
}

/** Stable, sorted serialization so that re-resolving an unchanged org changes nothing in git. */
export function serializeLockFile(lock: LockFile): string {
  const sorted = (r: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
  const out: Record<string, unknown> = { version: 1 };
  if (lock.gitlabUrl) out.gitlabUrl = lock.gitlabUrl;
  if (lock.generatedAt) out.generatedAt = lock.generatedAt;
  out.projects = sorted(lock.projects);
  out.groups = sorted(lock.groups);
  return JSON.stringify(out, null, 2) + '\n';
}

/** Reads the lock file next to the app (cwd), or undefined when there is none. */
export function readLockFile(dir: string, name = LOCK_FILE_NAME): LockFile | undefined {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return undefined;
  return parseLockFile(readTextFile(file, (m) => new LockFileError(m)), file);
}

/**
 * Reads a lock file named by the user (relative to `cwd`); a missing or
 * unreadable file is an error that says what to do.
 */
export function loadLockFile(file: string, cwd: string): LockFile {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new LockFileError(`lock file ${file} does not exist; run \`tokenscope resolve\` to create it, or drop the lock file setting`);
    }
    throw new LockFileError(`${file}: cannot read (${readFailureReason(e)})`);
  }
  return parseLockFile(text, file);
}

export function writeLockFile(dir: string, lock: LockFile, name = LOCK_FILE_NAME): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, serializeLockFile(lock));
  return file;
}

/** Reverse maps (id -> path) for turning plan and live ids back into paths. */
export function reverseLock(lock: LockFile): { projects: Map<number, string>; groups: Map<number, string> } {
  return {
    projects: new Map(Object.entries(lock.projects).map(([p, id]) => [id, p])),
    groups: new Map(Object.entries(lock.groups).map(([p, id]) => [id, p])),
  };
}
