import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { LockSource } from './lock-source';
import { TargetLookups } from './target-lookups';
import { lockInstanceProblem } from './lock-instance';

export interface TokenScopeStackProps {
  /**
   * GitLab instance, e.g. `https://gitlab.example.com` (the provider's `/api/v4/`
   * form is accepted too). Unset: the provider reads `GITLAB_BASE_URL` at deploy
   * time. The token is never a prop: the provider reads `GITLAB_TOKEN`.
   */
  readonly baseUrl?: string;
  /** Path -> id lock; see `LockSource`. @default `tokenscope.lock.json` in the working directory, if present */
  readonly lockFile?: LockSource;
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

  constructor(scope: Construct, id: string, props: TokenScopeStackProps = {}) {
    super(scope, id);
    this.provider = new GitlabProvider(this, 'gitlab', props.baseUrl ? { baseUrl: providerBaseUrl(props.baseUrl) } : {});
    this.lookups = TargetLookups.of(this, props.lockFile ?? undefined);
    const lockProblem = lockInstanceProblem(this.lookups.lock, props.baseUrl);
    if (lockProblem) this.node.addValidation({ validate: () => [`TokenScopeStack ${this.node.path}: ${lockProblem}`] });
  }
}
