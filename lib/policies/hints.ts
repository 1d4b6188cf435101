/**
 * What to change when a job token lacks a fine-grained permission: the
 * construct entry first (tokenscope owns the permissions as code), then the
 * ways around tokenscope. Used by `doctor --project`.
 */
export function policyRemedy(source: string, target: string, policy: string | readonly string[]): string {
  const list = typeof policy === 'string' ? [policy] : [...policy];
  return (
    `add ${list.join(' and ')} to the job token permissions of ${source}'s entry in ${target}'s allowlist: ` +
    `in the JobTokenScope for '${target}', write the entry as { target: '${source}', policies: [..., ${list.map((p) => `'${p}'`).join(', ')}] } ` +
    `(in allowGroups instead, when a group lets ${source} in), then cdktf deploy and tokenscope policies apply --yes. ` +
    `Without tokenscope: Settings > CI/CD > Job token permissions, or GraphQL ciJobTokenScopeUpdatePolicies(input: { ` +
    `projectPath: "${target}", targetPath: "${source}", defaultPermissions: false, jobTokenPolicies: [..., ${list.join(', ')}] })`
  );
}
