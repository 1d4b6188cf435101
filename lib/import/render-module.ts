import { byPath, commentText, quoteString } from '../source/literals';

/** One project's live scope, ready to be written as code. */
export interface ImportedScope {
  readonly project: string;
  /** The project's own toggle; false is written as `limitAccess: false`. */
  readonly limitAccess: boolean;
  readonly projects: ReadonlyArray<{ readonly path: string; readonly autopopulated: boolean }>;
  readonly groups: ReadonlyArray<{ readonly path: string; readonly autopopulated: boolean }>;
}

/** A project the token could not read; listed at the top of the module, never silently skipped. */
export interface UnreadableProject {
  readonly project: string;
  readonly reason: string;
}

export interface ModuleSpec {
  /** Name of the exported function, a valid identifier. */
  readonly functionName: string;
  /** Module specifier for `JobTokenScope`: `tokenscope` or a relative path to the repo's `lib`. */
  readonly importFrom: string;
  /** The command line, for the header (no token ever appears in it). */
  readonly command: string;
  readonly gitlabUrl: string;
  readonly scopes: readonly ImportedScope[];
  readonly unreadable: readonly UnreadableProject[];
}

export const AUTOPOPULATED_COMMENT = '// autopopulated: added by GitLab from the authentication log';

const MAX_LINE = 100;

/**
 * The TypeScript module `tokenscope import` writes: one `JobTokenScope` per
 * project with `importExisting: true`, entries by path and sorted, 2-space
 * indent, single quotes, trailing commas on multi-line lists. The output is
 * byte-identical for the same live state (no timestamps), so re-importing
 * shows real changes only. Pure.
 */
export function renderScopesModule(spec: ModuleSpec): string {
  const lines: string[] = [];
  lines.push('/**');
  lines.push(` * Job-token scopes imported from ${commentText(spec.gitlabUrl)} by \`${commentText(spec.command)}\`.`);
  lines.push(' * Each scope adopts the project\'s current settings on its first deploy (importExisting: true).');
  lines.push(` * Use it in a stack: \`${commentText(spec.functionName)}(this)\` inside a TokenScopeStack.`);
  if (spec.unreadable.length > 0) {
    lines.push(' *');
    lines.push(` * NOT IMPORTED: the token could not read ${spec.unreadable.length} project${spec.unreadable.length === 1 ? '' : 's'}; declare ${spec.unreadable.length === 1 ? 'it' : 'them'} by hand or import again with a token that can:`);
    for (const u of [...spec.unreadable].sort((a, b) => byPath(a.project, b.project))) {
      lines.push(` *   - ${commentText(u.project)}: ${commentText(u.reason)}`);
    }
  }
  lines.push(' */');
  lines.push("import { Construct } from 'constructs';");
  const scopes = [...spec.scopes].sort((a, b) => byPath(a.project, b.project));
  if (scopes.length === 0) {
    // An unused import or parameter would fail strict builds (noUnusedLocals / noUnusedParameters).
    lines.push('', `export function ${spec.functionName}(_scope: Construct): void {`, '  // Nothing was imported.', '}');
    return lines.join('\n') + '\n';
  }
  lines.push(`import { JobTokenScope } from ${quoteString(spec.importFrom)};`);
  lines.push('');
  lines.push(`export function ${spec.functionName}(scope: Construct): void {`);
  scopes.forEach((s) => lines.push(...renderScope(s)));
  lines.push('}');
  return lines.join('\n') + '\n';
}

function renderScope(s: ImportedScope): string[] {
  const self = s.project.toLowerCase();
  const out = [`  new JobTokenScope(scope, ${quoteString(s.project)}, {`, `    project: ${quoteString(s.project)},`];
  if (!s.limitAccess) out.push('    limitAccess: false,');
  // A project always reaches itself; GitLab refuses it as an entry.
  const projects = uniqueSorted(s.projects.filter((e) => e.path.toLowerCase() !== self));
  const groups = uniqueSorted(s.groups);
  if (projects.length > 0) out.push(...renderList('allowProjects', projects));
  if (groups.length > 0) out.push(...renderList('allowGroups', groups));
  out.push('    importExisting: true,');
  out.push('  });');
  return out;
}

function renderList(name: string, entries: ReadonlyArray<{ path: string; autopopulated: boolean }>): string[] {
  const inline = `    ${name}: [${entries.map((e) => quoteString(e.path)).join(', ')}],`;
  if (!entries.some((e) => e.autopopulated) && inline.length <= MAX_LINE) return [inline];
  return [
    `    ${name}: [`,
    ...entries.map((e) => `      ${quoteString(e.path)},${e.autopopulated ? ` ${AUTOPOPULATED_COMMENT}` : ''}`),
    '    ],',
  ];
}

function uniqueSorted<T extends { path: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return [...list]
    .sort((a, b) => byPath(a.path, b.path))
    .filter((e) => { const k = e.path.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true; });
}

/** `acme/web-team` -> `acmeWebTeamScopes`; always a valid identifier. */
export function functionNameFor(base: string): string {
  const words = base.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  const name = `${camel || 'imported'}Scopes`;
  return /^[0-9]/.test(name) ? `scopes${name.charAt(0).toUpperCase()}${name.slice(1)}` : name;
}

/** Default `--out`: `scopes/<group with / as ->.ts`, or `scopes/imported.ts` for `--project`. */
export function defaultOutFile(group: string | undefined): string {
  return `scopes/${group ? group.replace(/\//g, '-') : 'imported'}.ts`;
}
