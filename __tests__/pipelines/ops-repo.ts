/**
 * The two git repositories the pipeline tests need, made the way a user makes them:
 * - the ops repo: `tokenscope init --group acme` from the packed tarball (the
 *   CLI `npm pack` just built, the same files), `npm install`, one commit on
 *   `main`, its `origin` on the test's git host;
 * - tokenscope's own project as a GitLab instance would hold it (the tarball's
 *   files, tagged with the version), bare on that git host, for `include: component:`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { npmEnv, npmInstall, ok, Packed, REPO, Run } from '../package/helpers';
import { OPS_PROJECT } from './seed';

export const COMPONENT_PROJECT = 'acme/platform/tokenscope';
export const PKG_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

const GIT_ENV = npmEnv({
  GIT_AUTHOR_NAME: 'Ops Bot', GIT_AUTHOR_EMAIL: 'ops@example.com', GIT_COMMITTER_NAME: 'Ops Bot', GIT_COMMITTER_EMAIL: 'ops@example.com',
  GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
});

export function git(cwd: string, ...args: string[]): Promise<Run> {
  return ok('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], cwd, GIT_ENV);
}

export interface OpsRepo {
  readonly dir: string;
  read(rel: string): string;
  /** Replaces `from` (which must occur exactly once) in a file of the repo. */
  edit(rel: string, from: string, to: string): void;
  /** `git add -A && git commit`; the new commit's sha. */
  commit(message: string): Promise<string>;
  checkout(branch: string, create?: boolean): Promise<void>;
}

export interface OpsRepoOptions {
  readonly dir: string;
  readonly packed: Packed;
  /** The instance the stack manages (init's --gitlab-url). */
  readonly gitlabUrl: string;
  /** A read_api token for init's import. */
  readonly readToken: string;
  /** The git host the repo's origin points at. */
  readonly gitUrl: string;
}

export async function createOpsRepo(o: OpsRepoOptions): Promise<OpsRepo> {
  await ok('node', [path.join(REPO, 'dist', 'bin', 'tokenscope.js'), 'init', o.dir, '--group', 'acme', '--gitlab-url', o.gitlabUrl,
    '--tokenscope', `file:${o.packed.tarball}`], path.dirname(o.dir), npmEnv({ GITLAB_TOKEN: o.readToken }));
  await npmInstall(o.dir);
  await git(o.dir, 'init', '-q', '-b', 'main');
  await git(o.dir, 'remote', 'add', 'origin', `${o.gitUrl}/${OPS_PROJECT}.git`);
  // What a clone has: origin/HEAD names the default branch (gitlab-ci-local reads it).
  await git(o.dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  const repo: OpsRepo = {
    dir: o.dir,
    read: (rel) => fs.readFileSync(path.join(o.dir, rel), 'utf8'),
    edit(rel, from, to) {
      const text = repo.read(rel);
      const n = text.split(from).length - 1;
      if (n !== 1) throw new Error(`${rel}: expected exactly one ${JSON.stringify(from)}, found ${n}`);
      fs.writeFileSync(path.join(o.dir, rel), text.replace(from, to));
    },
    async commit(message) {
      await git(o.dir, 'add', '-A');
      await git(o.dir, 'commit', '-q', '-m', message);
      return (await git(o.dir, 'rev-parse', 'HEAD')).out.trim();
    },
    async checkout(branch, create = false) {
      await git(o.dir, 'checkout', '-q', ...(create ? ['-b'] : []), branch);
    },
  };
  await repo.commit('tokenscope init --group acme');
  return repo;
}

/** tokenscope's project on the instance: the tarball's files, one commit tagged `PKG_VERSION`, as a bare repository under `gitRoot`. */
export async function publishComponentProject(packed: Packed, work: string, gitRoot: string): Promise<string> {
  const src = path.join(work, 'tokenscope-project');
  fs.mkdirSync(src, { recursive: true });
  await ok('tar', ['-xzf', packed.tarball, '-C', src, '--strip-components=1'], work);
  await git(src, 'init', '-q', '-b', 'main');
  await git(src, 'add', '-A');
  await git(src, 'commit', '-q', '-m', `tokenscope ${PKG_VERSION}`);
  await git(src, 'tag', PKG_VERSION);
  const bare = path.join(gitRoot, `${COMPONENT_PROJECT}.git`);
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  await git(work, 'clone', '-q', '--bare', src, bare);
  return bare;
}
