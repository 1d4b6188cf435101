import type { GitLabHttp } from '../gitlab/http';
import { instanceEnforces } from './enforcement';
import { FatalReadError } from '../live/engine';
import { readGroupProjects } from '../live/group-projects';
import { readLiveScopes } from '../live/reader';
import { GITLAB_LIMITS, isLiveError, LiveResult, LiveScope, QueryLimits } from '../live/types';
import { readLivePolicies } from '../policies/live';
import { isLivePolicyError } from '../policies/types';
import { localMembers, mergeGroups } from './group-sources';
import { AllowEntry, GroupMembers, ReachInput, ReachInputError, ReachNode, TargetScope } from './types';

export interface LiveReachOptions {
  readonly http: GitLabHttp;
  /** The projects of this group (and its subgroups with `includeSubgroups`)... */
  readonly group?: string;
  readonly includeSubgroups?: boolean;
  /** ...or these projects (e.g. those of the synthesized stacks). */
  readonly projects?: readonly string[];
  /** Parallel HTTP requests. @default 4 */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly limits?: Partial<QueryLimits>;
}

/**
 * Reads the reach graph's facts from GitLab, read-only and batched through the
 * shared live reader: the chosen projects (one paginated `Group.projects`
 * listing), their toggles, visibility and allowlists (`projects(fullPaths:)`,
 * 50 a query), the entries' fine-grained permissions (the policies reader, only
 * for projects with entries, first pages sized from the counts just read), one
 * REST probe for whether the instance enforces the allowlist (it is an instance
 * setting: one answer holds for every project), and the projects of every group
 * entry not already covered by the listing (aliased `group(fullPath:)`, 20 a
 * query). A group's listing pages are read in batches of 250 projects as they
 * arrive. Throws `FatalReadError` when GitLab refuses the token and
 * `ReachInputError` for a group that cannot be listed.
 */
export async function readLiveReach(opts: LiveReachOptions): Promise<ReachInput> {
  const { http } = opts;
  const limits: QueryLimits = { ...GITLAB_LIMITS, ...(opts.limits ?? {}) };
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const warnings: string[] = [];
  const { paths, live, policies } = await readChosen(opts, limits, concurrency, warnings);
  const readable = [...live.values()].filter((r): r is LiveScope => !isLiveError(r) && r.inboundJobTokenScopeEnabled !== null);
  const enforced = await instanceEnforces(http, readable.filter((s) => s.inboundJobTokenScopeEnabled === false));

  const nodes: ReachNode[] = [];
  const scopes: TargetScope[] = [];
  for (const [requested, r] of live) {
    if (isLiveError(r) || r.inboundJobTokenScopeEnabled === null) {
      const error = isLiveError(r) ? r.message : `GitLab did not return the allowlist toggle of ${r.fullPath}`;
      nodes.push({ project: isLiveError(r) ? requested : r.fullPath, visibility: null, limitAccess: null, enforcedByInstance: null, open: null, scanned: true, error });
      continue;
    }
    const raw = r.inboundJobTokenScopeEnabled;
    if (!raw && enforced.value === undefined) {
      nodes.push({ project: r.fullPath, visibility: r.visibility ?? null, limitAccess: false, enforcedByInstance: null, open: null, scanned: true, error: enforced.error });
      continue;
    }
    const enforcedHere = !raw && enforced.value === true;
    const open = !raw && !enforcedHere;
    nodes.push({ project: r.fullPath, visibility: r.visibility ?? null, limitAccess: raw, enforcedByInstance: enforcedHere, open, scanned: true });
    if (open) continue;
    const perms = policies.get(r.fullPath.toLowerCase());
    const entry = (kind: 'project' | 'group', path: string): AllowEntry => {
      const p = perms?.get(`${kind}:${path.toLowerCase()}`);
      return { kind, path, ...(p ? { policies: p } : {}) };
    };
    scopes.push({ project: r.fullPath, entries: [...r.projects.map((e) => entry('project', e.fullPath)), ...r.groups.map((e) => entry('group', e.fullPath))] });
  }

  const groups = await groupMembers(http, scopes, opts, paths, { concurrency, limits }, warnings);
  return { source: 'live', nodes, scopes, groups, warnings };
}

/** Paths per batch while a group is still being listed: five 50-path queries, about one multiplexed request. */
const BATCH = 250;
/** First page sizes without a declaration to size them: most allowlists fit, and the query stays far under 250. */
const EXPECTED = { projects: 20, groups: 10 };

/**
 * The chosen projects' scopes and entry permissions. A group's listing is
 * paginated (a cursor chain), so its pages are read as they arrive, in
 * batches, instead of after the whole listing.
 */
async function readChosen(opts: LiveReachOptions, limits: QueryLimits, concurrency: number, warnings: string[]) {
  const { http } = opts;
  const total = { done: 0, known: 0 };
  // Batches started while the listing goes on: at most `concurrency` at once, so --concurrency bounds the requests in flight.
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => { while (running >= concurrency) await new Promise<void>((r) => waiting.push(r)); running++; };
  const release = () => { running--; waiting.shift()?.(); };
  const readBatch = async (batch: readonly string[]) => {
    await slot();
    try { return await readOne(batch); } finally { release(); }
  };
  const readOne = async (batch: readonly string[]) => {
    const base = total.done;
    const live = await readLiveScopes(http, batch, {
      visibility: true, concurrency, limits, expectedEntries: () => EXPECTED,
      onProgress: (d) => opts.onProgress?.(base + d, Math.max(total.known, base + batch.length)),
    });
    total.done += batch.length;
    const readable = [...live.values()].filter((r): r is LiveScope => !isLiveError(r) && r.inboundJobTokenScopeEnabled !== null);
    return { live, policies: await readPermissions(http, readable, { concurrency, limits }, warnings) };
  };
  const batches: Array<Promise<Awaited<ReturnType<typeof readOne>>>> = [];
  let paths: string[];
  if (opts.group) {
    const pending: string[] = [];
    const start = () => { const b = pending.splice(0, BATCH); const p = readBatch(b); p.catch(() => undefined); batches.push(p); };
    let listed;
    try {
      listed = (await readGroupProjects(http, [opts.group], {
        includeSubgroups: opts.includeSubgroups ?? false, limits, concurrency,
        onPage: (_g, page) => { total.known += page.length; pending.push(...page.map((p) => p.fullPath)); while (pending.length >= BATCH) start(); },
      })).get(opts.group.toLowerCase());
    } catch (e) {
      await Promise.allSettled(batches);
      throw e;
    }
    if (!listed || 'error' in listed) {
      await Promise.allSettled(batches);
      throw new ReachInputError(listed ? listed.message : `${opts.group} was not listed`);
    }
    while (pending.length > 0) start();
    paths = listed.projects.map((p) => p.fullPath);
  } else {
    paths = [...(opts.projects ?? [])];
    total.known = paths.length;
    batches.push(readBatch(paths));
  }
  const settled = await Promise.allSettled(batches);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const live = new Map<string, LiveResult>();
  const policies = new Map<string, Map<string, readonly string[]>>();
  for (const r of settled as Array<PromiseFulfilledResult<Awaited<ReturnType<typeof readOne>>>>) {
    r.value.live.forEach((v, k) => { if (!live.has(k)) live.set(k, v); });
    r.value.policies.forEach((v, k) => policies.set(k, v));
  }
  return { paths, live, policies };
}

/**
 * Entry permissions by project, then by `kind:path`: only entries with
 * fine-grained permissions (default permissions off) are in it. A GitLab whose
 * schema has no permissions (before 17.6, or fine-grained fields before 18.3)
 * leaves every entry on the default permissions, with a warning.
 */
async function readPermissions(
  http: GitLabHttp, scopes: readonly LiveScope[], opts: { concurrency: number; limits: QueryLimits }, warnings: string[],
): Promise<Map<string, Map<string, readonly string[]>>> {
  const out = new Map<string, Map<string, readonly string[]>>();
  const withEntries = scopes.filter((s) => s.projects.length + s.groups.length > 0);
  if (withEntries.length === 0) return out;
  const counts = new Map(withEntries.map((s) => [s.fullPath.toLowerCase(), { projects: s.projects.length, groups: s.groups.length }]));
  let read;
  try {
    read = await readLivePolicies(http, withEntries.map((s) => s.fullPath), { ...opts, expectedEntries: (p) => counts.get(p.toLowerCase()) });
  } catch (e) {
    if (!(e instanceof FatalReadError) || e.status !== undefined) throw e;
    warnings.push(`fine-grained permissions not read (${e.message}); every entry is shown with GitLab's default permissions`);
    return out;
  }
  for (const [key, r] of read) {
    if (isLivePolicyError(r)) {
      warnings.push(`fine-grained permissions of ${key} not read (${r.message}); its entries are shown with the default permissions`);
      continue;
    }
    const m = new Map<string, readonly string[]>();
    for (const e of r.entries) if (!e.permissions.defaultPermissions) m.set(`${e.kind}:${e.target.toLowerCase()}`, e.permissions.policies);
    if (m.size > 0) out.set(key, m);
  }
  return out;
}

/** Members of every group entry: from the listing where it covers the group, else from GitLab. */
async function groupMembers(
  http: GitLabHttp, scopes: readonly TargetScope[], opts: LiveReachOptions, listed: readonly string[],
  read: { concurrency: number; limits: QueryLimits }, warnings: string[],
): Promise<Map<string, GroupMembers>> {
  const wanted = new Map<string, string>();
  for (const s of scopes) for (const e of s.entries) if (e.kind === 'group' && !wanted.has(e.path.toLowerCase())) wanted.set(e.path.toLowerCase(), e.path);
  const covered = (g: string) => !!opts.group && opts.includeSubgroups === true &&
    (g === opts.group.toLowerCase() || g.startsWith(`${opts.group.toLowerCase()}/`));
  const local = [...wanted.values()].filter((g) => covered(g.toLowerCase()));
  const remote = [...wanted.values()].filter((g) => !covered(g.toLowerCase()));
  const found = remote.length > 0 ? await readGroupProjects(http, remote, { includeSubgroups: true, ...read }) : new Map();
  return mergeGroups(localMembers(local, listed, 'scan'), remote, found, warnings);
}
