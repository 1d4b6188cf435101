import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../util/package-root';
import { scaffoldFiles, ScaffoldFiles, ScaffoldOptions } from './scaffold';
import { pinnedVersions } from './versions';

export class InitError extends Error {}

export interface InitOptions {
  /** Where the ops repo goes (created if missing). */
  readonly dir: string;
  readonly name?: string;
  readonly gitlabUrl?: string;
  readonly group?: string;
  readonly tokenscopeSpec?: string;
  readonly force?: boolean;
}

/** npm's rules for a package name, for `--name` and a directory's basename. */
const NPM_NAME = /^(?:@[a-z0-9-*~][a-z0-9-*._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** `--gitlab-url` as the instance root: http(s), no credentials, query or API suffix. */
export function instanceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InitError(`--gitlab-url ${JSON.stringify(raw)} is not a URL; give it as https://gitlab.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InitError(`--gitlab-url ${JSON.stringify(raw)} must use https (or http)`);
  if (url.username || url.password || url.search || url.hash) {
    throw new InitError('--gitlab-url must not carry credentials, a query or a fragment; the token comes from GITLAB_TOKEN at run time');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}`;
}

/** The stack id for a group: its path with `/` as `-` (`acme/web` -> `acme-web`); else `job-token-scopes`. */
export function stackNameFor(group: string | undefined): string {
  return group ? group.toLowerCase().replace(/[^a-z0-9_-]+/g, '-') : 'job-token-scopes';
}

/** What `init` will write, after checking its inputs; writes nothing. */
export function planInit(o: InitOptions, imported?: ScaffoldOptions['imported']): ScaffoldFiles {
  const name = o.name ?? path.basename(path.resolve(o.dir)).toLowerCase().replace(/[^a-z0-9-._~]+/g, '-').replace(/^[-._]+/, '');
  if (!NPM_NAME.test(name) || name.length > 214) {
    throw new InitError(`${o.name !== undefined ? '--name' : 'the directory name'} ${JSON.stringify(name)} is not a valid npm package name; pass --name, e.g. --name acme-job-token-scopes`);
  }
  const versions = pinnedVersions();
  const ciTemplate = fs.readFileSync(path.join(packageRoot(), 'templates', 'tokenscope.gitlab-ci.yml'), 'utf8');
  return scaffoldFiles({
    name,
    stack: stackNameFor(o.group),
    gitlabUrl: o.gitlabUrl === undefined ? undefined : instanceUrl(o.gitlabUrl),
    tokenscopeSpec: o.tokenscopeSpec ?? versions.tokenscope,
    versions,
    imported,
    ciTemplate,
  });
}

/** Refuses a directory that has anything in it, unless forced. */
export function checkTarget(dir: string, force: boolean): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new InitError(`${dir} exists and is not a directory`);
  const entries = fs.readdirSync(dir).filter((e) => e !== '.git');
  if (entries.length > 0 && !force) {
    throw new InitError(`${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); ` +
      'run init in a new or empty directory, or pass --force to write into it (files of the same names are replaced)');
  }
}

export function writeFiles(dir: string, files: ScaffoldFiles): void {
  for (const f of files) {
    const full = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, f.content);
  }
}
