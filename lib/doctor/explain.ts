import type { TokenType } from './types';

/** What a token that GitLab's API never accepts is for, and what to use instead. Doctor never sends these anywhere. */
export const NOT_AN_API_TOKEN: Partial<Record<TokenType, { what: string; instead: string }>> = {
  deploy_token: {
    what:
      'deploy tokens work only for Git clone/fetch and the container and package registries (Deploy-Token header or ' +
      'basic auth); the REST and GraphQL API never accept them',
    instead: 'for the API use a project access token (project Settings > Access tokens) with read_api, or api to make changes',
  },
  runner_token: {
    what:
      'runner tokens let a GitLab Runner register and fetch jobs (they belong in the runner\'s config.toml); the API ' +
      'does not accept them as credentials',
    instead: 'for the API use a personal, project or group access token; keep runner tokens in the runner\'s configuration only',
  },
  trigger_token: {
    what:
      'pipeline trigger tokens only start pipelines (POST /api/v4/projects/:id/trigger/pipeline with token=...); no other ' +
      'endpoint accepts them',
    instead: 'for the API use a personal, project or group access token',
  },
  feed_token: {
    what: 'feed tokens only read RSS/Atom feeds and calendar (ICS) links; the API does not accept them',
    instead: 'for the API use a personal, project or group access token',
  },
  oauth_application_secret: {
    what:
      'this is the secret of an OAuth application: together with its application id it is exchanged for an access ' +
      'token at /oauth/token; it is not an access token itself',
    instead: 'run the OAuth flow to obtain an access token, or use a personal, project or group access token',
  },
  other_gitlab_token: {
    what: 'this kind of token serves only its own feature; the REST and GraphQL API do not accept it',
    instead: 'for the API use a personal, project or group access token',
  },
};

/** How to get the kind of token the user said they expected. */
export function expectRemedy(expected: TokenType, source: string): string {
  switch (expected) {
    case 'ci_job_token':
      // Doctor reads GITLAB_TOKEN before CI_JOB_TOKEN: a personal token there is what was checked, not a shadowed job token.
      if (source !== 'CI_JOB_TOKEN') {
        return `doctor checked ${source}${source === 'GITLAB_TOKEN' ? ' (it reads GITLAB_TOKEN before CI_JOB_TOKEN)' : ''}; ` +
          'to check the job token, run tokenscope doctor --token-env CI_JOB_TOKEN --expect job inside the job';
      }
      return (
        'inside a job, GitLab sets CI_JOB_TOKEN itself; a CI/CD variable named CI_JOB_TOKEN (project, group or instance ' +
        'settings) or an export in the job script replaces it: remove that'
      );
    case 'personal_access_token':
      return `create a personal access token (User settings > Access tokens) and store it in ${source}`;
    case 'project_access_token':
      return `create a project access token (the project's Settings > Access tokens) and store it in ${source}`;
    case 'group_access_token':
      return `create a group access token (the group's Settings > Access tokens) and store it in ${source}`;
    case 'oauth_access_token':
      return `store an OAuth access token (from the OAuth flow, not the application secret) in ${source}`;
    default:
      return `store the token you meant in ${source}`;
  }
}
