import type { HttpBackendConfig } from 'cdktf';
import { parseTargetRef } from '../model/target';

export interface GitLabManagedStateProps {
  /**
   * The project that keeps the state (usually the ops repo itself): numeric id
   * or full path.
   * @default `CI_PROJECT_ID` when synthesized in GitLab CI
   */
  readonly project?: string | undefined;
  /**
   * The state's name in GitLab (Operate > Terraform states). One path segment,
   * at most 255 characters.
   * @default the stack's name
   */
  readonly name?: string | undefined;
}

/** Where a `TokenScopeStack` keeps its Terraform state: `'gitlab'` is `GitLabManagedState.of()`. */
export type StackStateOption = 'gitlab' | GitLabManagedState;

/** The variables read at synth; tests pass their own. */
export type SynthEnv = Readonly<Record<string, string | undefined>>;

export type ResolvedState = { ok: true; config: HttpBackendConfig } | { ok: false; problems: string[] };

const NAME_LIMIT = 255;

/**
 * GitLab-managed Terraform state for a stack: Terraform's `http` backend at the
 * addresses GitLab documents (docs/user/infrastructure/iac/terraform_state.md),
 * `<api>/projects/<id>/terraform/state/<name>` with `/lock` for locking. The
 * credentials are never written: Terraform reads `TF_HTTP_USERNAME` and
 * `TF_HTTP_PASSWORD` at run time (in CI: `gitlab-ci-token` and `$CI_JOB_TOKEN`).
 *
 *   new TokenScopeStack(app, 'acme-web', { state: 'gitlab' });
 *   new TokenScopeStack(app, 'acme-web', { state: GitLabManagedState.of({ project: 'acme/platform/ops', name: 'scopes-web' }) });
 */
export class GitLabManagedState {
  static of(props: GitLabManagedStateProps = {}): GitLabManagedState {
    return new GitLabManagedState(props);
  }

  private constructor(readonly props: GitLabManagedStateProps) {}

  /**
   * The backend settings for `stack`, or what is missing, in words that name
   * the stack and the fix. `apiUrl` is the stack's API root (`.../api/v4`), if
   * it has a `baseUrl`.
   */
  resolve(stack: string, apiUrl: string | undefined, env: SynthEnv): ResolvedState {
    const subject = `TokenScopeStack "${stack}": GitLab-managed state`;
    const problems: string[] = [];
    const api = apiUrl ?? apiFromEnv(env.CI_API_V4_URL);
    if (api === undefined) {
      problems.push(
        env.CI_API_V4_URL
          ? `${subject}: CI_API_V4_URL ${JSON.stringify(env.CI_API_V4_URL)} is not an http(s) URL; set baseUrl on the stack`
          : `${subject} needs the GitLab API URL; set baseUrl on the stack (e.g. https://gitlab.example.com), or synthesize in GitLab CI, where CI_API_V4_URL is set`,
      );
    }
    const rawProject = this.props.project ?? env.CI_PROJECT_ID;
    let project: string | undefined;
    if (rawProject === undefined || rawProject === '') {
      problems.push(
        `${subject} needs the project that keeps the state; pass state: GitLabManagedState.of({ project: '<numeric id or full path>' }), ` +
          'or synthesize in GitLab CI, where CI_PROJECT_ID is set',
      );
    } else {
      const parsed = parseTargetRef(rawProject);
      const from = this.props.project !== undefined ? 'project' : 'CI_PROJECT_ID';
      if (!parsed.ok) problems.push(`${subject}: ${from} ${JSON.stringify(rawProject)} ${parsed.reason}; give the numeric id or the full path of the project that keeps the state`);
      else project = parsed.ref.kind === 'id' ? String(parsed.ref.id) : encodeURIComponent(parsed.ref.path);
    }
    const name = this.props.name ?? stack;
    if (name === '' || name.includes('/') || name.length > NAME_LIMIT || name.trim() !== name) {
      problems.push(`${subject}: state name ${JSON.stringify(name)} must be 1 to ${NAME_LIMIT} characters, without "/" or surrounding white space`);
    }
    if (problems.length > 0 || api === undefined || project === undefined) return { ok: false, problems };
    const address = `${api}/projects/${project}/terraform/state/${encodeURIComponent(name)}`;
    return {
      ok: true,
      config: {
        address,
        lockAddress: `${address}/lock`,
        unlockAddress: `${address}/lock`,
        lockMethod: 'POST',
        unlockMethod: 'DELETE',
        retryWaitMin: 5,
      },
    };
  }
}

/** `CI_API_V4_URL` (`https://gitlab.example.com/api/v4`) without a trailing slash; undefined when unset or not a URL. */
function apiFromEnv(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
