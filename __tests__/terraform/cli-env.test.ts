/** terraformEnv: what Terraform's environment holds (no terraform needed). */
import { terraformEnv } from '../../lib/terraform/cli';

const base = {
  PATH: '/usr/bin', HOME: '/home/u', GITLAB_TOKEN: 'glpat-users-own-token-0000', CI_JOB_TOKEN: 'job-token-0000',
  TF_LOG: 'TRACE', TF_HTTP_PASSWORD: 'stale', GITLAB_BASE_URL: 'https://gitlab.example.com', UNSET: undefined,
};

describe('terraformEnv', () => {
  it('with a reattached provider: no TF_* and no GitLab token of the base; the extras last', () => {
    const env = terraformEnv({ base, cliConfigFile: '/tmp/empty', reattach: '{"x":1}', extra: { TF_HTTP_PASSWORD: 'fresh' } });
    expect(env).toEqual({
      PATH: '/usr/bin', HOME: '/home/u', GITLAB_BASE_URL: 'https://gitlab.example.com',
      TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/tmp/empty', TF_REATTACH_PROVIDERS: '{"x":1}',
      TF_HTTP_PASSWORD: 'fresh',
    });
  });

  it('without one, the provider Terraform starts needs GITLAB_TOKEN: it is kept', () => {
    const env = terraformEnv({ base, cliConfigFile: '/tmp/empty' });
    expect(env.GITLAB_TOKEN).toBe('glpat-users-own-token-0000');
    expect(env.TF_LOG).toBeUndefined();
    expect(env.TF_REATTACH_PROVIDERS).toBeUndefined();
  });
});
