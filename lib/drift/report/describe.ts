import type { Finding } from '../types';
import { describePermissions } from '../../policies/types';
import type { EntryPermissions } from '../types';

const onOff = (v: unknown) => (v === true ? 'on' : 'off');
const perms = (v: unknown) => (v && typeof v === 'object' ? describePermissions(v as EntryPermissions) : 'unknown permissions');

/** One line in words for a finding (without its kind name). */
export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case 'limit_access_mismatch':
      return `allowlist (limit access) declared ${onOff(f.declared)}, ${onOff(f.live)} in GitLab`;
    case 'missing_project_entry':
      return `${f.target}: declared, not in GitLab's project allowlist`;
    case 'unexpected_project_entry':
      return `${f.target}: in GitLab's project allowlist${f.autopopulated ? ' (autopopulated from the auth log)' : ''}, not declared`;
    case 'missing_group_entry':
      return `${f.target}: declared, not in GitLab's group allowlist`;
    case 'unexpected_group_entry':
      return `${f.target}: in GitLab's group allowlist${f.autopopulated ? ' (autopopulated from the auth log)' : ''}, not declared`;
    case 'enforced_by_instance':
      return f.declared
        ? 'allowlist off on the project, but the instance enforces it: in force as declared'
        : 'allowlist declared off, but the instance enforces it: the declaration cannot take effect, and Terraform plans ' +
          'enabled = false on every run (the provider reads the enforced value back, a permanent diff); declare limitAccess: true';
    case 'recently_used_but_not_allowed':
      return `${f.target} used a job token here (last ${f.lastAuthorizedAt}) but the declaration does not allow it: its jobs fail, or will once applied`;
    case 'policy_mismatch':
      return `${f.entry ?? 'entry'} ${f.target}: job-token permissions declared ${perms(f.declared)}, ${perms(f.live)} in GitLab ` +
        '(tokenscope policies apply sets them)';
    case 'lock_mismatch':
      return f.message ?? '';
    case 'project_not_found':
    case 'permission_denied':
    case 'policies_not_enforced':
      return f.message ?? '';
    default:
      return '';
  }
}
