import type { GitLabHttp } from '../gitlab/http';
import { readLiveScopes, type ReadStats } from './reader';
import type { LiveResult, ReadLiveOptions } from './types';

/** What the reader needs of a declared scope: its project (`#<id>` when unresolved) and its list sizes. */
export interface DeclaredShape {
  readonly project: string;
  readonly projects: readonly unknown[];
  readonly groups: readonly unknown[];
}

/**
 * Reads the live scope of every declared project in one batched pass, sizing
 * first pages from the declared lists, and answers per project: its live scope,
 * or why it could not be read (an id nobody resolved is never sent to GitLab).
 * The shared step of drift and suggest.
 */
export async function readLiveForDeclared(
  http: GitLabHttp,
  scopes: readonly DeclaredShape[],
  opts: Omit<ReadLiveOptions, 'expectedEntries'> = {},
  stats?: ReadStats,
): Promise<(project: string) => LiveResult> {
  const readable = scopes.filter((s) => !s.project.startsWith('#'));
  const expected = new Map<string, { projects: number; groups: number }>();
  for (const s of readable) {
    const k = s.project.toLowerCase();
    const prev = expected.get(k);
    expected.set(k, {
      projects: Math.max(prev?.projects ?? 0, s.projects.length),
      groups: Math.max(prev?.groups ?? 0, s.groups.length),
    });
  }
  const live = await readLiveScopes(http, readable.map((s) => s.project), { ...opts, expectedEntries: (p) => expected.get(p.toLowerCase()) }, stats);
  const byLower = new Map<string, LiveResult>();
  for (const [k, v] of live) byLower.set(k.toLowerCase(), v);
  return (project) =>
    project.startsWith('#')
      ? { error: 'not_found', message: `project id ${project.slice(1)} is not in the lock file and GitLab did not resolve it` }
      : (byLower.get(project.toLowerCase()) ?? { error: 'error', message: `${project} was not read` });
}
