import { GitLabHttp, GitLabHttpError, gitlabErrorText } from '../gitlab/http';
import { mapPool } from '../live/pool';
import type { PolicyChange } from './plan';

export const UPDATE_POLICIES_MUTATION = `mutation TokenscopeUpdatePolicies($input: CiJobTokenScopeUpdatePoliciesInput!) {
  ciJobTokenScopeUpdatePolicies(input: $input) { errors }
}`;

export interface ApplyResult {
  readonly change: PolicyChange;
  readonly ok: boolean;
  /** GitLab's words: the payload's `errors[]`, a GraphQL error, or the HTTP failure. */
  readonly errors: readonly string[];
}

/** The mutation input for one change: the entry's whole permission set, as declared. */
export function updateInput(change: PolicyChange): Record<string, unknown> {
  return {
    projectPath: change.project,
    targetPath: change.target,
    defaultPermissions: change.to.defaultPermissions,
    jobTokenPolicies: [...change.to.policies],
  };
}

/**
 * Sends `ciJobTokenScopeUpdatePolicies` for each change, one request each so
 * that every result is reported on its own, a few at a time. The mutation sets
 * the whole permission set of an entry, so sending it again is harmless and a
 * transport retry is safe.
 */
export async function applyPolicyChanges(
  http: GitLabHttp,
  changes: readonly PolicyChange[],
  opts: { concurrency?: number } = {},
): Promise<ApplyResult[]> {
  return mapPool(changes, Math.max(1, opts.concurrency ?? 2), async (change) => {
    let res;
    try {
      res = await http.graphql(
        { query: UPDATE_POLICIES_MUTATION, variables: { input: updateInput(change) }, operationName: 'TokenscopeUpdatePolicies' },
        { idempotent: true },
      );
    } catch (err) {
      const msg = err instanceof GitLabHttpError || err instanceof Error ? err.message : String(err);
      return { change, ok: false, errors: [http.mask(msg)] };
    }
    const body = res.json as { data?: { ciJobTokenScopeUpdatePolicies?: { errors?: unknown } | null } | null; errors?: Array<{ message?: unknown }> } | undefined;
    if (res.status !== 200) return { change, ok: false, errors: [`HTTP ${res.status}: ${gitlabErrorText(res) ?? 'no details'}`] };
    const payload = body?.data?.ciJobTokenScopeUpdatePolicies;
    const topErrors = (body?.errors ?? []).map((e) => (typeof e?.message === 'string' ? e.message : JSON.stringify(e)));
    if (!payload) return { change, ok: false, errors: topErrors.length > 0 ? topErrors : ['GitLab returned no result for the mutation'] };
    const errors = Array.isArray(payload.errors) ? payload.errors.map(String) : [];
    return { change, ok: errors.length === 0 && topErrors.length === 0, errors: [...errors, ...topErrors] };
  });
}
