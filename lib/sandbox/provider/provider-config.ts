/**
 * The `gitlab` provider block of gitlabhq/gitlab 18.6.1 (every attribute
 * @cdktf/provider-gitlab 15.6.2 can write) and ConfigureProvider as the real
 * provider does it (internal/provider/provider.go, internal/provider/api/config.go):
 * refuse unknown values, take `token` / `base_url` from the environment
 * (GITLAB_TOKEN, GITLAB_BASE_URL) when unset, build the client, then the early
 * auth check `GET /user` unless `early_auth_check = false`.
 *
 * The environment is the stand-in's own (a reattached provider never sees
 * Terraform's), passed in by whoever starts it.
 */
import type { CtyObject } from './cty';
import { UNKNOWN } from './cty';
import { DEFAULT_BASE_URL, GitLabApiClient } from './gitlab-client';
import type { ExchangeInfo } from '../../gitlab/http';
import { BlockSchema, Diagnostic, errorDiag } from './schema';

const opt = (type: 'string' | 'bool' | 'number', description: string) => ({ type, optional: true, description } as const);

export const PROVIDER_SCHEMA: BlockSchema = {
  version: 0,
  description: '',
  attributes: {
    token: {
      type: 'string', optional: true, sensitive: true,
      description: 'The OAuth2 Token, Project, Group, Personal Access Token or CI Job Token used to connect to GitLab. ' +
        'The OAuth method is used in this provider for authentication (using Bearer authorization token). It may be sourced from the `GITLAB_TOKEN` environment variable.',
    },
    base_url: opt('string', 'This is the target GitLab base API endpoint. It is optional to provide this value and it can also be sourced from the `GITLAB_BASE_URL` environment variable. The value must end with a slash.'),
    cacert_file: opt('string', 'This is a file containing the ca cert to verify the gitlab instance.'),
    insecure: opt('bool', 'When set to true this disables SSL verification of the connection to the GitLab instance.'),
    client_cert: opt('string', 'File path to client certificate when GitLab instance is behind company proxy. File must contain PEM encoded data.'),
    client_key: opt('string', 'File path to client key when GitLab instance is behind company proxy. File must contain PEM encoded data. Required when `client_cert` is set.'),
    early_auth_check: opt('bool', '(Experimental) By default the provider does a dummy request to get the current user in order to verify that the provider configuration is correct and the GitLab API is reachable. It may be sourced from the `GITLAB_EARLY_AUTH_CHECK`.'),
    retries: opt('number', 'The number of retries to execute when receiving a 429 Rate Limit error. Each retry will exponentially back off.'),
    headers: { type: ['map', 'string'], optional: true, description: 'A map of headers to append to all API request to the GitLab instance.' },
    config_file: opt('string', 'The path to the configuration file to use. It may be sourced from the `GITLAB_CONFIG_FILE` environment variable.'),
    context: opt('string', 'The context to use for authentication and configuration. The context must exist in the configuration file. It may be sourced from the `GITLAB_CONTEXT` environment variable.'),
    enable_auto_ci_support: opt('bool', 'If automatic CI support should be enabled or not. This only works when not providing a token.'),
  },
};

const UNKNOWN_MESSAGES: Record<string, [string, string]> = {
  token: ['Unknown GitLab Token', 'the GitLab Token. Either apply the source of the value first, set the token attribute value statically in the configuration, or use the GITLAB_TOKEN environment variable.'],
  base_url: ['Unknown GitLab Base URL for the API endpoint', 'the GitLab Base URL. Either apply the source of the value first, set the token attribute value statically in the configuration, or use the GITLAB_BASE_URL environment variable.'],
  cacert_file: ['Unknown GitLab CA Certificate File', 'the GitLab CA Certificate File. Either apply the source of the value first, set the token attribute value statically in the configuration.'],
  insecure: ['Unknown GitLab Insecure Flag Value', 'the GitLab Insecure flag. Either apply the source of the value first, set the token attribute value statically in the configuration.'],
  client_cert: ['Unknown GitLab Client Certificate', 'the GitLab Client Certificate. Either apply the source of the value first, set the token attribute value statically in the configuration.'],
  client_key: ['Unknown GitLab Client Key', 'the GitLab Client Key. Either apply the source of the value first, set the token attribute value statically in the configuration.'],
  early_auth_check: ['Unknown GitLab Early Auth Check Flag Value', 'the GitLab Early Auth Check flag. Either apply the source of the value first, set the token attribute value statically in the configuration.'],
};

export interface ConfigureInput {
  readonly config: CtyObject;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetchImpl?: typeof fetch;
  readonly onExchange?: (e: ExchangeInfo) => void;
}

export interface ConfigureResult {
  /** Set when the configuration was accepted. */
  readonly client?: GitLabApiClient;
  readonly diagnostics: Diagnostic[];
}

const CLIENT_FAILED = 'Failed to create GitLab Client from provider configuration';
const clientFailed = (why: string): Diagnostic => errorDiag(CLIENT_FAILED, `The provider failed to create a new GitLab Client from the given configuration: ${why}`);

function envBool(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return ['1', 't', 'true'].includes(raw.trim().toLowerCase());
}

export async function configureProvider({ config, env, fetchImpl, onExchange }: ConfigureInput): Promise<ConfigureResult> {
  const unknown = Object.entries(UNKNOWN_MESSAGES)
    .filter(([name]) => config[name] === UNKNOWN)
    .map(([name, [summary, what]]) => errorDiag(summary, `The provider cannot create the GitLab API client as there is an unknown configuration value for ${what}`, name));
  if (unknown.length) return { diagnostics: unknown };

  const token = typeof config.token === 'string' ? config.token : env.GITLAB_TOKEN ?? '';
  const baseUrl = typeof config.base_url === 'string' ? config.base_url : env.GITLAB_BASE_URL ?? '';
  const early = typeof config.early_auth_check === 'boolean' ? config.early_auth_check : envBool(env.GITLAB_EARLY_AUTH_CHECK) ?? true;
  if (token === '') {
    // With no token the real provider turns to client-go's config file (`config_file`, `context`, CI auto-support): not served here.
    return { diagnostics: [clientFailed('No GitLab token configured, either use the `token` provider argument or set it as `GITLAB_TOKEN` environment variable ' +
      '(the provider stand-in reads the environment of the process that runs it, not Terraform\'s; the client-go config file is not supported by the stand-in)')] };
  }
  let client: GitLabApiClient;
  try {
    client = new GitLabApiClient({ baseUrl: baseUrl === '' ? DEFAULT_BASE_URL : baseUrl, token, fetchImpl, onExchange });
  } catch (err) {
    return { diagnostics: [clientFailed(`parse ${JSON.stringify(baseUrl)}: ${(err as Error).message}`)] };
  }
  if (early) {
    try {
      await client.currentUser();
    } catch (err) {
      return { diagnostics: [clientFailed((err as Error).message)] };
    }
  }
  return { client, diagnostics: [] };
}
