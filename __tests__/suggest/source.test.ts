import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findScopeDeclarations, scopeDeclarationsIn } from '../../lib/source/find-scopes';
import { applyEdits, editScopeLists, ScopeChange } from '../../lib/source/edit-lists';
import { unifiedDiff } from '../../lib/source/unified-diff';

const APP = `import { JobTokenScope, TokenScopeStack } from 'tokenscope';

export class Web extends TokenScopeStack {
  constructor(scope: any, id: string) {
    super(scope, id);
    new JobTokenScope(this, 'shop', {
      project: 'acme/shop',
      allowProjects: ['acme/a', 'acme/c'],
      allowGroups: ['acme/tools'],
    });
    new JobTokenScope(this, 'api', {
      project: 'acme/api',
      allowProjects: [
        // the deployer ships every release
        'acme/deployer',
        'acme/old', // autopopulated: added by GitLab from the authentication log
      ],
    });
    new JobTokenScope(this, 'bare', {
      project: 'acme/bare',
      importExisting: true,
    });
    new JobTokenScope(this, 'inline', { project: 'acme/inline' });
    new JobTokenScope(this, 'computed', {
      project: 'acme/computed',
      allowProjects: LIST,
    });
  }
}
const LIST = ['x/y'];
`;

function edit(project: string, change: ScopeChange): string {
  const decl = scopeDeclarationsIn('app.ts', APP).find((d) => d.project === project)!;
  const r = editScopeLists(decl, change);
  if (!r.ok) throw new Error(r.problem);
  return applyEdits(APP, r.edits);
}

/** The lines of `text` from the one holding `from` to the next line holding `to`. */
function block(text: string, from: string, to = '});'): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(from));
  const j = lines.findIndex((l, k) => k > i && l.includes(to));
  return lines.slice(i, j + 1).join('\n');
}

describe('finding JobTokenScope declarations', () => {
  it('finds each literal project with its file and line, and tells literal lists from others', () => {
    const decls = scopeDeclarationsIn('app.ts', APP);
    expect(decls.map((d) => [d.project, d.line])).toEqual([
      ['acme/shop', 6], ['acme/api', 11], ['acme/bare', 19], ['acme/inline', 23], ['acme/computed', 24],
    ]);
    const shop = decls[0];
    expect(shop.allowProjects.kind === 'literal' && shop.allowProjects.elements.map((e) => e.target)).toEqual(['acme/a', 'acme/c']);
    expect(decls[2].allowGroups.kind).toBe('absent');
    expect(decls[4].allowProjects).toEqual({ kind: 'not_literal', reason: 'allowProjects is not an array literal' });
  });

  it('walks a directory, skipping node_modules and cdktf.out', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-src-'));
    try {
      for (const d of ['node_modules/x', 'cdktf.out/stacks', 'src']) fs.mkdirSync(path.join(dir, d), { recursive: true });
      fs.writeFileSync(path.join(dir, 'node_modules/x/a.ts'), APP);
      fs.writeFileSync(path.join(dir, 'cdktf.out/stacks/a.ts'), APP);
      fs.writeFileSync(path.join(dir, 'src/app.ts'), APP);
      fs.writeFileSync(path.join(dir, 'src/app.d.ts'), APP);
      const found = findScopeDeclarations(dir);
      expect([...new Set(found.map((d) => path.relative(dir, d.file)))]).toEqual([path.join('src', 'app.ts')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('editing allow lists', () => {
  it('edits a one-line list in place, keeping it sorted', () => {
    const out = edit('acme/shop', { allowProjects: { add: ['acme/b'], remove: ['ACME/C'] }, allowGroups: { add: [], remove: ['acme/tools'] } });
    expect(block(out, "'shop'")).toBe(`    new JobTokenScope(this, 'shop', {
      project: 'acme/shop',
      allowProjects: ['acme/a', 'acme/b'],
      allowGroups: [],
    });`);
  });

  it('keeps comments of kept entries and drops those of removed ones in a multi-line list', () => {
    const out = edit('acme/api', { allowProjects: { add: ['acme/new'], remove: ['acme/old'] } });
    expect(block(out, "'api'")).toBe(`    new JobTokenScope(this, 'api', {
      project: 'acme/api',
      allowProjects: [
        // the deployer ships every release
        'acme/deployer',
        'acme/new',
      ],
    });`);
  });

  it('adds a missing list after project (multi-line and one-line props)', () => {
    const out = edit('acme/bare', { allowGroups: { add: ['acme/web', 'acme/data'], remove: [] } });
    expect(block(out, "'bare'")).toBe(`    new JobTokenScope(this, 'bare', {
      project: 'acme/bare',
      allowGroups: ['acme/data', 'acme/web'],
      importExisting: true,
    });`);
    const inline = edit('acme/inline', { allowProjects: { add: ['acme/x'], remove: [] } });
    expect(inline).toContain("new JobTokenScope(this, 'inline', { project: 'acme/inline', allowProjects: ['acme/x'] });");
  });

  it('refuses a list that is not a literal instead of guessing', () => {
    const decl = scopeDeclarationsIn('app.ts', APP).find((d) => d.project === 'acme/computed')!;
    expect(editScopeLists(decl, { allowProjects: { add: ['a/b'], remove: [] } })).toEqual({ ok: false, problem: 'allowProjects is not an array literal' });
  });

  it('breaks a list that grows too long onto one entry per line', () => {
    const many = Array.from({ length: 6 }, (_, i) => `acme/some-long-project-name-${i}`);
    const out = edit('acme/shop', { allowProjects: { add: many, remove: [] } });
    expect(block(out, 'allowProjects: [', '],').split('\n')).toHaveLength(10);
  });
});

describe('unified diff', () => {
  it('is accepted by git apply and reproduces the edited file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-diff-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: dir });
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src/app.ts'), APP);
      const after = edit('acme/api', { allowProjects: { add: ['acme/new'], remove: ['acme/old'] } });
      const after2 = applyEdits(after, (() => {
        const d = scopeDeclarationsIn('app.ts', after).find((x) => x.project === 'acme/bare')!;
        const r = editScopeLists(d, { allowProjects: { add: ['acme/z'], remove: [] } });
        return r.ok ? r.edits : [];
      })());
      const diff = unifiedDiff('src/app.ts', APP, after2);
      expect(diff.split('\n').slice(0, 3)).toEqual(['diff --git a/src/app.ts b/src/app.ts', '--- a/src/app.ts', '+++ b/src/app.ts']);
      fs.writeFileSync(path.join(dir, 'p.diff'), diff);
      execFileSync('git', ['apply', '--check', 'p.diff'], { cwd: dir });
      execFileSync('git', ['apply', 'p.diff'], { cwd: dir });
      expect(fs.readFileSync(path.join(dir, 'src/app.ts'), 'utf8')).toBe(after2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks a last line without a newline, and is empty when nothing changed', () => {
    expect(unifiedDiff('a', 'x\n', 'x\n')).toBe('');
    expect(unifiedDiff('a', 'x\ny', 'x\nz')).toBe('diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n');
  });
});
