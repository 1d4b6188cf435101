/**
 * Where the sandbox keeps GitLab-managed Terraform states: one record per
 * (project id, state name), like GitLab's `terraform_states` rows, with the
 * latest version's bytes, the serials written so far and the lock. In memory
 * for the life of the sandbox; with a directory, also on disk, so that a
 * restarted sandbox keeps its states (and their locks, as GitLab does).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Who holds a state's lock: Terraform's lock id, and the GitLab user who took it. */
export interface StateLock {
  readonly id: string;
  readonly userId: number | null;
  readonly username: string;
  /** ISO 8601 with milliseconds, as GitLab's JSON renders `locked_at`. */
  readonly lockedAt: string;
}

export interface StoredState {
  readonly projectId: number;
  readonly name: string;
  /** The latest version, as Terraform sent it; null while the record exists without a version (locked before the first write). */
  data: string | null;
  /** Serials of the versions written, oldest first (GitLab refuses a serial twice). */
  readonly serials: number[];
  lock: StateLock | null;
}

export class StateStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateStoreError';
  }
}

/** On disk: `<dir>/<project id>/<sha256 of the name>.json`; the name is inside, so any 255-character name fits a file name. */
interface StateFile {
  readonly format: 1;
  readonly projectId: number;
  readonly name: string;
  readonly data: string | null;
  readonly serials: number[];
  readonly lock: StateLock | null;
}

export class TerraformStateStore {
  private readonly states = new Map<string, StoredState>();

  /** @param dir persist every state under this directory (created if missing) and load what it already holds. */
  constructor(readonly dir?: string) {
    if (dir) this.load(dir);
  }

  find(projectId: number, name: string): StoredState | undefined {
    return this.states.get(key(projectId, name));
  }

  /** GitLab's `create_or_find_by`: locking, writing and unlocking all create the record. */
  findOrCreate(projectId: number, name: string): StoredState {
    const found = this.find(projectId, name);
    if (found) return found;
    const created: StoredState = { projectId, name, data: null, serials: [], lock: null };
    this.states.set(key(projectId, name), created);
    return created;
  }

  /** Records a change made to `s` (in memory already) on disk. */
  save(s: StoredState): void {
    if (!this.dir) return;
    const file = this.fileOf(s.projectId, s.name);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const body: StateFile = { format: 1, projectId: s.projectId, name: s.name, data: s.data, serials: s.serials, lock: s.lock };
    // Write then rename: a sandbox killed mid-write keeps the previous version whole.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  remove(projectId: number, name: string): void {
    this.states.delete(key(projectId, name));
    if (this.dir) fs.rmSync(this.fileOf(projectId, name), { force: true });
  }

  /** Every state, ordered by project id then name (for tests and the sandbox summary). */
  list(): StoredState[] {
    return [...this.states.values()].sort((a, b) => a.projectId - b.projectId || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private fileOf(projectId: number, name: string): string {
    return path.join(this.dir as string, String(projectId), `${createHash('sha256').update(name).digest('hex')}.json`);
  }

  private load(dir: string): void {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      return;
    }
    if (!fs.statSync(dir).isDirectory()) throw new StateStoreError(`--state-dir ${dir} is not a directory`);
    for (const project of fs.readdirSync(dir).filter((d) => /^\d+$/.test(d)).sort()) {
      const projectDir = path.join(dir, project);
      if (!fs.statSync(projectDir).isDirectory()) continue;
      for (const f of fs.readdirSync(projectDir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).sort()) {
        const s = readStateFile(path.join(projectDir, f), Number(project));
        this.states.set(key(s.projectId, s.name), s);
      }
    }
  }
}

function key(projectId: number, name: string): string {
  return `${projectId}\u0000${name}`;
}

function readStateFile(file: string, projectId: number): StoredState {
  let v: Partial<StateFile>;
  try {
    v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StateFile>;
  } catch (e) {
    // No parser detail: it would quote the file, which holds a Terraform state.
    throw new StateStoreError(`${file} is not a sandbox state file (${(e as NodeJS.ErrnoException).code ?? 'not JSON'}); move it out of the state directory`);
  }
  const lockOk = v.lock === null || (typeof v.lock === 'object' && v.lock !== null && typeof v.lock.id === 'string' && typeof v.lock.username === 'string');
  if (v.format !== 1 || v.projectId !== projectId || typeof v.name !== 'string' || !(v.data === null || typeof v.data === 'string')
    || !Array.isArray(v.serials) || !v.serials.every((n) => Number.isSafeInteger(n)) || !lockOk) {
    throw new StateStoreError(`${file} is not a sandbox state file (format 1 for project ${projectId}); move it out of the state directory`);
  }
  return { projectId, name: v.name, data: v.data ?? null, serials: [...v.serials], lock: v.lock ?? null };
}
