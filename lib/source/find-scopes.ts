import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import { tsc } from './typescript';

/** Directories never searched for app sources. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'cdktf.out', 'dist', 'coverage', '.git']);

/** One string entry of an `allowProjects` / `allowGroups` array literal (or a `{ target, policies }` object). */
export interface ListElement {
  /** The target path or id as written. */
  readonly target: string;
  readonly node: ts.Expression;
}

/** An `allowProjects` / `allowGroups` property: editable when it is an array literal of literals. */
export type ListSite =
  | { readonly kind: 'absent' }
  | { readonly kind: 'literal'; readonly property: ts.PropertyAssignment; readonly array: ts.ArrayLiteralExpression; readonly elements: readonly ListElement[] }
  | { readonly kind: 'not_literal'; readonly reason: string };

/** A `new JobTokenScope(scope, id, { project: '<path>', ... })` call found in a source file. */
export interface ScopeDeclaration {
  readonly project: string;
  /** Absolute path of the file. */
  readonly file: string;
  /** 1-based line of the `new JobTokenScope` expression. */
  readonly line: number;
  readonly sourceFile: ts.SourceFile;
  readonly props: ts.ObjectLiteralExpression;
  readonly allowProjects: ListSite;
  readonly allowGroups: ListSite;
}

/** Lists `.ts` files under `dir` (not `.d.ts`), skipping `SKIPPED_DIRS`, sorted for stable output. */
export function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(path.join(d, e.name));
      } else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        out.push(path.join(d, e.name));
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Every `JobTokenScope` declaration with a literal `project` in the `.ts` files under `dir`. */
export function findScopeDeclarations(dir: string): ScopeDeclaration[] {
  const out: ScopeDeclaration[] = [];
  for (const file of listSourceFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    // A cheap filter first: parsing every file of a large repo costs more than reading it.
    if (!text.includes('JobTokenScope')) continue;
    out.push(...scopeDeclarationsIn(file, text));
  }
  return out;
}

/** The declarations in one file's text. Pure: no I/O. */
export function scopeDeclarationsIn(file: string, text: string): ScopeDeclaration[] {
  const sf = tsc.createSourceFile(file, text, tsc.ScriptTarget.ES2022, true, tsc.ScriptKind.TS);
  const out: ScopeDeclaration[] = [];
  const visit = (node: ts.Node) => {
    if (tsc.isNewExpression(node) && isJobTokenScopeCtor(node.expression)) {
      const props = node.arguments?.[2];
      if (props && tsc.isObjectLiteralExpression(props)) {
        const project = stringValue(propertyNamed(props, 'project')?.initializer);
        if (project !== undefined) {
          out.push({
            project,
            file,
            line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
            sourceFile: sf,
            props,
            allowProjects: listSite(props, 'allowProjects'),
            allowGroups: listSite(props, 'allowGroups'),
          });
        }
      }
    }
    tsc.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function isJobTokenScopeCtor(e: ts.Expression): boolean {
  if (tsc.isIdentifier(e)) return e.text === 'JobTokenScope';
  if (tsc.isPropertyAccessExpression(e)) return e.name.text === 'JobTokenScope';
  return false;
}

export function propertyNamed(obj: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
  for (const p of obj.properties) {
    if (tsc.isPropertyAssignment(p) && propertyName(p.name) === name) return p;
  }
  return undefined;
}

function propertyName(n: ts.PropertyName): string | undefined {
  if (tsc.isIdentifier(n) || tsc.isStringLiteral(n) || tsc.isNoSubstitutionTemplateLiteral(n)) return n.text;
  return undefined;
}

function stringValue(e: ts.Expression | undefined): string | undefined {
  if (e && (tsc.isStringLiteral(e) || tsc.isNoSubstitutionTemplateLiteral(e))) return e.text;
  return undefined;
}

function listSite(props: ts.ObjectLiteralExpression, name: string): ListSite {
  const other = props.properties.find((p) => !tsc.isPropertyAssignment(p) && p.name && tsc.isIdentifier(p.name) && p.name.text === name);
  if (other) return { kind: 'not_literal', reason: `${name} is not written as \`${name}: [...]\`` };
  if (props.properties.some((p) => tsc.isSpreadAssignment(p))) {
    // A spread may set the list too; editing the literal could be overridden.
    const prop = propertyNamed(props, name);
    if (!prop) return { kind: 'not_literal', reason: `the props object uses a spread (...), which may set ${name}` };
  }
  const prop = propertyNamed(props, name);
  if (!prop) return { kind: 'absent' };
  let init = prop.initializer;
  while (tsc.isAsExpression(init) || tsc.isParenthesizedExpression(init) || tsc.isSatisfiesExpression(init)) init = init.expression;
  if (!tsc.isArrayLiteralExpression(init)) return { kind: 'not_literal', reason: `${name} is not an array literal` };
  const elements: ListElement[] = [];
  for (const el of init.elements) {
    const direct = stringValue(el);
    if (direct !== undefined) {
      elements.push({ target: direct, node: el });
      continue;
    }
    if (tsc.isObjectLiteralExpression(el)) {
      const target = stringValue(propertyNamed(el, 'target')?.initializer);
      if (target !== undefined) {
        elements.push({ target, node: el });
        continue;
      }
    }
    return { kind: 'not_literal', reason: `${name} holds an entry that is not a string literal (${el.getText().slice(0, 40)})` };
  }
  return { kind: 'literal', property: prop, array: init, elements };
}
