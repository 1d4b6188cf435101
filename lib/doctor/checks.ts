import type { Check, CheckStatus, Identity, TokenType } from './types';
import { TOKEN_TYPE_LABEL } from './types';

export function check(id: string, status: CheckStatus, message: string, remedy = ''): Check {
  return { id, status, message, remedy };
}

/** "a personal access token of user ops", "a CI job token of job 42 in acme/web", ... */
export function describeOwner(tokenType: TokenType, id: Identity): string {
  const label = TOKEN_TYPE_LABEL[tokenType];
  switch (tokenType) {
    case 'project_access_token':
      return `${label} of project ${id.project?.path ?? (id.project?.id !== undefined ? `id ${id.project.id}` : '?')}${id.username ? ` (bot user ${id.username})` : ''}`;
    case 'group_access_token':
      return `${label} of group ${id.group?.path ?? (id.group?.id !== undefined ? `id ${id.group.id}` : '?')}${id.username ? ` (bot user ${id.username})` : ''}`;
    case 'ci_job_token': {
      const bits: string[] = [];
      if (id.job?.id !== undefined) bits.push(`job ${id.job.id}`);
      if (id.project?.path) bits.push(`in ${id.project.path}`);
      if (id.username) bits.push(`run by user ${id.username}`);
      return bits.length ? `${label} of ${bits.join(' ')}` : label;
    }
    default:
      return id.username ? `${label} of user ${id.username}` : label;
  }
}

export const ROLE_NAMES: Readonly<Record<number, string>> = {
  0: 'no access',
  5: 'Minimal Access',
  10: 'Guest',
  15: 'Planner',
  20: 'Reporter',
  30: 'Developer',
  40: 'Maintainer',
  50: 'Owner',
  60: 'Admin',
};

export function roleName(level: number): string {
  return ROLE_NAMES[level] ?? `access level ${level}`;
}
