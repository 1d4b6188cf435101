import { renderJson, renderJunit, renderMarkdown, renderText, useColor } from '../../lib/drift/report';
import { summarize } from '../../lib/drift/baseline';
import type { DriftReport, ProjectReport } from '../../lib/drift/types';

const projects: ProjectReport[] = [
  { project: 'acme/web', stack: 'acme', status: 'drifted', findings: [{ kind: 'missing_project_entry', target: 'acme/api' }] },
  { project: 'acme/api', stack: 'acme', status: 'in_sync', findings: [] },
  { project: 'acme/<odd>&"name"', stack: 'other', status: 'unreadable', findings: [{ kind: 'permission_denied', message: 'needs Maintainer <role>' }] },
  { project: 'acme/ops', stack: 'other', status: 'in_sync', findings: [{ kind: 'enforced_by_instance', declared: true, live: false, effective: true }] },
];
const report: DriftReport = { summary: summarize(projects, 7), projects };

interface Node { name: string; attrs: Record<string, string>; children: Node[]; text: string }

/** A small well-formedness check: balanced tags, quoted attributes, only the five escapes. */
function parseXml(xml: string): Node[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: Node = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(body))) {
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) throw new Error(`bad entity in text: ${m[5]}`);
      stack[stack.length - 1].text += m[5];
      continue;
    }
    if (m[1]) {
      const open = stack.pop() as Node;
      if (open.name !== m[2]) throw new Error(`</${m[2]}> closes <${open.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(a[2])) throw new Error(`bad entity in attribute: ${a[2]}`);
      attrs[a[1]] = a[2].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    }
    const node: Node = { name: m[2], attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    if (!m[4]) stack.push(node);
  }
  if (pos !== body.length || stack.length !== 1) throw new Error('not well-formed XML');
  return root.children;
}

describe('report formats', () => {
  it('json has exactly the contract shape', () => {
    expect(JSON.parse(renderJson(report))).toEqual({
      summary: { projects: 4, inSync: 2, drifted: 1, unreadable: 1, requests: 7 },
      projects: [
        { project: 'acme/web', stack: 'acme', status: 'drifted', findings: [{ kind: 'missing_project_entry', target: 'acme/api' }] },
        { project: 'acme/api', stack: 'acme', status: 'in_sync', findings: [] },
        { project: 'acme/<odd>&"name"', stack: 'other', status: 'unreadable', findings: [{ kind: 'permission_denied', message: 'needs Maintainer <role>' }] },
        { project: 'acme/ops', stack: 'other', status: 'in_sync', findings: [{ kind: 'enforced_by_instance', declared: true, live: false, effective: true }] },
      ],
    });
    expect(Object.keys(JSON.parse(renderJson(report)).summary)).toEqual(['projects', 'inSync', 'drifted', 'unreadable', 'requests']);
  });

  it('junit parses as XML: a suite per stack, a test case per project, drift as failure, unreadable as error', () => {
    const [suites] = parseXml(renderJunit(report));
    expect(suites.name).toBe('testsuites');
    expect(suites.attrs).toEqual({ name: 'tokenscope drift', tests: '4', failures: '1', errors: '1' });
    const cases = suites.children.flatMap((s) => s.children.map((c) => ({ suite: s.attrs.name, ...c })));
    expect(cases.map((c) => [c.suite, c.attrs.classname, c.attrs.name])).toEqual([
      ['acme', 'acme', 'acme/web'], ['acme', 'acme', 'acme/api'], ['other', 'other', 'acme/<odd>&"name"'], ['other', 'other', 'acme/ops'],
    ]);
    expect(cases[0].children.map((c) => [c.name, c.attrs.type, c.attrs.message])).toEqual([['failure', 'drift', 'drifted: missing_project_entry']]);
    // The target is named once, not `missing_project_entry acme/api: acme/api: ...`.
    expect(cases[0].children[0].text).toContain('missing_project_entry: acme/api: declared, not in GitLab&apos;s project allowlist');
    expect(cases[0].children[0].text).not.toContain('acme/api: acme/api');
    expect(cases[1].children).toEqual([]);
    expect(cases[2].children.map((c) => [c.name, c.attrs.type, c.attrs.message])).toEqual([['error', 'permission_denied', 'needs Maintainer <role>']]);
    expect(cases[3].children.map((c) => c.name)).toEqual(['system-out']);
  });

  it('markdown: summary, a table of what needs attention, in-sync projects folded', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('**4** projects: **2** in sync, **1** drifted, **1** unreadable (7 HTTP requests).');
    expect(md).toContain("| `acme/web` | acme | ⚠️ drifted | `missing_project_entry` | `acme/api` | acme/api: declared, not in GitLab's project allowlist |");
    expect(md).toContain('| `acme/<odd>&"name"` | other | ❌ unreadable | `permission_denied` |  | needs Maintainer \\<role\\> |');
    expect(md).toContain('<details><summary>1 in sync</summary>\n\n- `acme/api` (acme)\n\n</details>');
  });

  it('text: colour only on a terminal without NO_COLOR', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { TERM: 'dumb' })).toBe(false);
    expect(renderText(report, { color: true })).toContain('\u001b[33mDRIFTED\u001b[0m');
    const plain = renderText(report, { color: false });
    expect(plain).not.toContain('\u001b[');
    expect(plain.split('\n')[0]).toBe('tokenscope drift: 4 projects, 2 in sync, 1 drifted, 1 unreadable (7 HTTP requests)');
    expect(plain).toContain('      enforced_by_instance  allowlist off on the project, but the instance enforces it: in force as declared');
  });

  it('text: large reports list only the projects that need attention', () => {
    const many: ProjectReport[] = Array.from({ length: 150 }, (_, i) => ({ project: `g/p${i}`, stack: 's', status: 'in_sync', findings: [] }));
    many.push({ project: 'g/bad', stack: 's', status: 'drifted', findings: [{ kind: 'unexpected_group_entry', target: 'g' }] });
    const text = renderText({ summary: summarize(many, 3), projects: many }, { color: false });
    expect(text).not.toContain('g/p1 ');
    expect(text).toContain('g/bad');
    expect(text).toContain('150 projects in sync are not listed (use --format json for every project).');
  });
});
