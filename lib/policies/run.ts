import { GitLabHttp } from '../gitlab/http';
import { nameIds } from '../live/lookup';
import { LockFile } from '../lockfile';
import { UnresolvedPolicyScope, resolveDeclaredPolicies, unnamedIds } from './declared';
import { PolicyFeature, detectPolicyFeature, flagOffMessage, instanceLabel, noFeatureMessage } from './feature';
import { readLivePolicies } from './live';
import { PolicyPlan, planPolicies } from './plan';
import { DeclaredPolicyScope } from './types';

export interface PolicyCheck {
  readonly feature: PolicyFeature;
  readonly declared: readonly DeclaredPolicyScope[];
  /** Undefined when GitLab was not read (the feature is missing). */
  readonly plan?: PolicyPlan;
  /** Errors that stop (part of) the check: unnamed ids, missing feature. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

export interface CheckOptions {
  readonly lock?: LockFile;
  /** The check is for an apply: the update mutation must exist too. */
  readonly forWrite?: boolean;
  readonly concurrency?: number;
  /**
   * Leave declared policies the instance does not know out of the plan (as
   * `unknown_policy`), since the mutation would fail. Drift compares them
   * anyway: the live entry does not have them either way. @default true
   */
  readonly knownPoliciesOnly?: boolean;
}

/**
 * Declared policies against GitLab: asks the schema first (an instance without
 * the feature gets a message, not a failed query), names ids through the lock
 * file and then GitLab, reads the live entries of the declared projects, plans.
 * Read-only.
 */
export async function checkPolicies(
  http: GitLabHttp,
  sources: readonly UnresolvedPolicyScope[],
  opts: CheckOptions = {},
): Promise<PolicyCheck> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const feature = await detectPolicyFeature(http);
  const declaresPolicies = sources.some((s) => s.policies.length > 0);
  const usable = opts.forWrite ? feature.canWrite : feature.canRead;
  if (!usable) {
    // Without the feature every entry has the default permissions, which is only wrong if some entry declares policies.
    if (declaresPolicies) problems.push(noFeatureMessage(feature));
    else warnings.push(`${noFeatureMessage(feature)}; no entry declares policies, so there is nothing to do`);
    return { feature, declared: [], problems, warnings };
  }

  const ids = unnamedIds(sources, { projects: new Map(), groups: new Map() });
  const names = await nameIds(http, opts.lock, ids.projects, ids.groups, { concurrency: opts.concurrency });
  problems.push(...names.errors.map((e) => `looking up ids: ${e}`));
  const resolved = resolveDeclaredPolicies(sources, names);
  problems.push(...resolved.problems);

  for (const s of resolved.scopes) {
    for (const e of s.entries) {
      const old = e.permissions.policies.filter((p) => feature.deprecated.has(p));
      if (old.length > 0) warnings.push(`${s.project} <- ${e.kind} ${e.target}: ${instanceLabel(feature)} marks ${old.join(', ')} deprecated`);
    }
  }

  const counts = new Map<string, { projects: number; groups: number }>();
  for (const s of resolved.scopes) {
    counts.set(s.project.toLowerCase(), {
      projects: s.entries.filter((e) => e.kind === 'project').length,
      groups: s.entries.filter((e) => e.kind === 'group').length,
    });
  }
  const projects = resolved.scopes.filter((s) => s.entries.length > 0).map((s) => s.project);
  const live = await readLivePolicies(http, projects, {
    concurrency: opts.concurrency,
    expectedEntries: (p) => counts.get(p.toLowerCase()),
  });
  const known = opts.knownPoliciesOnly === false ? undefined : feature.policies;
  const plan = planPolicies(resolved.scopes, live, { knownPolicies: known, instance: instanceLabel(feature) });
  if (plan.flagOff.length > 0) problems.push(flagOffMessage(plan.flagOff, instanceLabel(feature)));
  return { feature, declared: resolved.scopes, plan, problems, warnings };
}
