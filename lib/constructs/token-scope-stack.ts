import { Construct } from 'constructs';
import { HttpBackend, TerraformStack } from 'cdktf';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { LockSource } from './lock-source';
import { TargetLookups } from './target-lookups';
import { lockInstanceProblem } from './lock-instance';
import { GitLabManagedState, StackStateOption } from './gitlab-managed-state';

export interface TokenScopeStackProps {
  /**
   * GitLab instance, e.g. `https://gitlab.example.com` (the provider's `/api/v4/`
   * form is accepted too). Unset: the provider reads `GITLAB_BASE_URL` at deploy
   * time. The token is never a prop: the provider reads `GITLAB_TOKEN`.
   */
  readonly baseUrl?: string;
  /** Path -> id lock; see `LockSource`. @default `tokenscope.lock.json` in the working directory, if present */
  readonly lockFile?: LockSource;
  /**
   * Where Terraform keeps this stack's state. `'gitlab'` (or
   * `GitLabManagedState.of({ project, name })`): GitLab-managed Terraform state,
   * an `http` backend on `<api>/projects/<project>/terraform/state/<name>`, the
   * project from `CI_PROJECT_ID` and the API from `baseUrl` or `CI_API_V4_URL`
   * unless given; Terraform takes the credentials from `TF_HTTP_USERNAME` /
   * `TF_HTTP_PASSWORD` at run time, never from the synthesized JSON.
   * @default cdktf's local backend: a file on the machine that runs Terraform,
   *   which a CI job loses when it ends
   */
  readonly state?: StackStateOption | undefined;
}

/** The provider's base URL form: the instance's API root with a trailing slash. */
export function providerBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`TokenScopeStack baseUrl ${JSON.stringify(baseUrl)} is not a URL; give it as https://gitlab.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`TokenScopeStack baseUrl ${JSON.stringify(baseUrl)} must use https (or http)`);
  }
  if (url.username || url.password || url.search) {
    throw new Error('TokenScopeStack baseUrl must not carry credentials or a query; the token comes from GITLAB_TOKEN');
  }
  const root = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  return `${url.origin}${root}/api/v4/`;
}

/**
 * A Terraform stack with the GitLab provider configured for job-token scopes.
 * One stack per top-level group keeps plans small and deploys independent.
 */
export class TokenScopeStack extends TerraformStack {
  readonly provider: GitlabProvider;
  readonly lookups: TargetLookups;
  /** The GitLab-managed state backend, when `state` asks for one and it could be resolved. */
  readonly backend?: HttpBackend;

  constructor(scope: Construct, id: string, props: TokenScopeStackProps = {}) {
    super(scope, id);
    const baseUrl = props.baseUrl ? providerBaseUrl(props.baseUrl) : undefined;
    this.provider = new GitlabProvider(this, 'gitlab', baseUrl ? { baseUrl } : {});
    this.lookups = TargetLookups.of(this, props.lockFile ?? undefined);
    const lockProblem = lockInstanceProblem(this.lookups.lock, props.baseUrl);
    if (lockProblem) this.node.addValidation({ validate: () => [`TokenScopeStack ${this.node.path}: ${lockProblem}`] });
    if (props.state !== undefined) {
      const option = props.state === 'gitlab' ? GitLabManagedState.of() : props.state;
      if (!(option instanceof GitLabManagedState)) {
        throw new Error(`TokenScopeStack "${id}": state must be 'gitlab' or GitLabManagedState.of({...}), got ${JSON.stringify(props.state)}`);
      }
      const resolved = option.resolve(id, baseUrl?.replace(/\/+$/, ''), process.env);
      if (resolved.ok) this.backend = new HttpBackend(this, resolved.config);
      // Reported at synth with every other problem, naming the stack and the fix.
      else this.node.addValidation({ validate: () => resolved.problems });
    }
  }
}
