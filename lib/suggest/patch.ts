import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, editScopeLists, ListChange, TextEdit } from '../source/edit-lists';
import { ListSite, ScopeDeclaration } from '../source/find-scopes';
import { unifiedDiff } from '../source/unified-diff';
import type { ProjectSuggestion, SourceLocation } from './types';

export interface PatchResult {
  /** Unified diff over every file touched; '' when nothing could be patched. */
  readonly patch: string;
  /** Per project (as in the report): where it is declared and/or why (part of) it could not be patched. */
  readonly located: ReadonlyMap<string, { source?: SourceLocation; problem?: string }>;
}

/**
 * Builds one unified diff that applies the suggestions to the TypeScript
 * source declaring each scope. Never guesses: a scope found in no file or in
 * several, a list that is not a literal, or an entry that is not written in
 * the literal (added by a ScopeRule) is reported instead. `root` is where
 * `git apply` runs (the repository root); paths in the diff are relative to it.
 */
export function buildPatch(
  suggestions: readonly ProjectSuggestion[],
  declarations: readonly ScopeDeclaration[],
  opts: { root: string; displayRoot: string; idsByPath?: ReadonlyMap<string, number> },
): PatchResult {
  const byProject = new Map<string, ScopeDeclaration[]>();
  for (const d of declarations) byProject.set(d.project.toLowerCase(), [...(byProject.get(d.project.toLowerCase()) ?? []), d]);
  const editsByFile = new Map<string, TextEdit[]>();
  const located = new Map<string, { source?: SourceLocation; problem?: string }>();
  const rel = (f: string) => path.relative(opts.displayRoot, f).split(path.sep).join('/');

  for (const s of suggestions) {
    if (s.status !== 'changes') continue;
    const found = byProject.get(s.project.toLowerCase()) ?? [];
    if (found.length === 0) {
      located.set(s.project, { problem: `no \`new JobTokenScope(..., { project: '${s.project}' })\` with a literal project path under ${opts.displayRoot}; edit its declaration by hand` });
      continue;
    }
    if (found.length > 1) {
      located.set(s.project, { problem: `declared in ${found.length} places (${found.map((d) => `${rel(d.file)}:${d.line}`).join(', ')}); edit the right one by hand` });
      continue;
    }
    const decl = found[0];
    const source = { file: rel(decl.file), line: decl.line };
    const problems: string[] = [];
    const change = (kind: 'project' | 'group', site: ListSite): ListChange => {
      const add = s.add.filter((a) => a.kind === kind).map((a) => a.target);
      const remove: string[] = [];
      for (const r of s.remove.filter((x) => x.kind === kind)) {
        const id = opts.idsByPath?.get(r.target.toLowerCase());
        const forms = [r.target, ...(id !== undefined ? [String(id)] : [])];
        const elements = site.kind === 'literal' ? site.elements : [];
        const written = elements.some((e) => forms.some((f) => f.toLowerCase() === e.target.toLowerCase()));
        if (site.kind !== 'not_literal' && !written) {
          problems.push(`${r.target} is not written in ${kind === 'project' ? 'allowProjects' : 'allowGroups'} (added by a ScopeRule?); remove it there, or exempt this scope with exemptFromRules`);
        }
        remove.push(...forms);
      }
      return { add, remove };
    };
    const result = editScopeLists(decl, { allowProjects: change('project', decl.allowProjects), allowGroups: change('group', decl.allowGroups) });
    if (!result.ok) {
      located.set(s.project, { source, problem: `${result.problem}; edit ${source.file}:${source.line} by hand` });
      continue;
    }
    editsByFile.set(decl.file, [...(editsByFile.get(decl.file) ?? []), ...result.edits]);
    located.set(s.project, { source, ...(problems.length ? { problem: problems.join('; ') } : {}) });
  }

  let patch = '';
  for (const file of [...editsByFile.keys()].sort()) {
    const before = fs.readFileSync(file, 'utf8');
    const after = applyEdits(before, editsByFile.get(file) ?? []);
    patch += unifiedDiff(path.relative(opts.root, file), before, after);
  }
  return { patch, located };
}

/** The directory `git apply` should run in: the nearest ancestor holding `.git`, else `dir` itself. */
export function gitRootOf(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}
