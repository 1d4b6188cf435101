/**
 * What `tokenscope sandbox --terraform` tells a user to export so that
 * `terraform` or `cdktf deploy` in another shell reaches the sandbox through
 * the provider stand-in. Token values are never printed: a seed token is named
 * by its user and shown masked. Pure: no I/O.
 */
import { isExpired } from '../auth';
import { describeSecret } from '../../gitlab/secrets';
import type { SandboxState, Token } from '../state';
import type { ProviderStandIn, ProviderStandInStats } from './index';

/** The seed's first live personal `api` token of a non-admin (else an admin): the natural identity for applying. */
export function suggestedApiToken(state: SandboxState): { token: Token; username: string } | undefined {
  const live = [...state.tokens.values()].filter((t) =>
    t.type === 'personal' && t.scopes.includes('api') && !t.revoked && !isExpired(t, state.now()) && t.userId !== null);
  const pick = live.find((t) => !state.users.get(t.userId!)!.admin) ?? live[0];
  return pick ? { token: pick, username: state.users.get(pick.userId!)!.username } : undefined;
}

export interface TerraformEnvInput {
  readonly sandboxUrl: string;
  readonly state: SandboxState;
  readonly standIn: Pick<ProviderStandIn, 'reattach' | 'socketPath'>;
  /** GITLAB_TOKEN of the process running the stand-in, if set (shown masked only). */
  readonly standInToken: string | undefined;
}

/** The lines to print, each `export` on its own line. */
export function describeTerraformEnv({ sandboxUrl, state, standIn, standInToken }: TerraformEnvInput): string {
  const suggested = suggestedApiToken(state);
  const placeholder = suggested
    ? `<the api token of user ${suggested.username} from the seed, ${describeSecret(suggested.token.value)}>`
    : '<an api token from the seed>';
  const lines = [
    `Terraform provider stand-in (gitlabhq/gitlab 18.6.1) listening on ${standIn.socketPath}.`,
    'In the shell that runs terraform or cdktf deploy:',
    `export TF_REATTACH_PROVIDERS='${standIn.reattach}'`,
    `export GITLAB_BASE_URL=${sandboxUrl}`,
    `export GITLAB_TOKEN=${placeholder}`,
    `export TF_HTTP_USERNAME=${suggested?.username ?? 'gitlab-ci-token'}`,
    `export TF_HTTP_PASSWORD=${placeholder}`,
    standInToken
      ? `The stand-in sends its requests to ${sandboxUrl} with this process's GITLAB_TOKEN (${describeSecret(standInToken)}): ` +
        'Terraform does not pass its own environment to a reattached provider.'
      : 'The stand-in takes its token from the GITLAB_TOKEN of this process (Terraform does not pass its own environment to a ' +
        `reattached provider), and it is not set: restart as GITLAB_TOKEN=${placeholder} tokenscope sandbox --terraform`,
  ];
  return lines.join('\n') + '\n';
}

export function describeStandInStopped(stats: ProviderStandInStats): string {
  const calls = Object.values(stats.rpc).reduce((a, b) => a + b, 0);
  return `Terraform provider stand-in stopped: ${calls} RPCs, ${stats.httpRequests} HTTP requests to GitLab; socket removed\n`;
}
