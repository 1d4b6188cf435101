import * as ts from 'typescript';
import { renderJunit, renderMarkdown as renderDriftMarkdown, renderText as renderDriftText } from '../../lib/drift/report';
import { summarize } from '../../lib/drift/baseline';
import type { DriftReport, ProjectReport } from '../../lib/drift/types';
import { renderMarkdown as renderPlanMarkdown } from '../../lib/plan/render-markdown';
import { noteBody, noteMarker } from '../../lib/plan/mr-note';
import { buildSummary } from '../../lib/plan/summary';
import { policySectionMarkdown } from '../../lib/policies/plan-section';
import { renderText as renderPoliciesText, buildReport } from '../../lib/policies/report';
import { renderSuggestText } from '../../lib/suggest/render';
import type { SuggestReport } from '../../lib/suggest/types';
import { renderText as renderDoctorText } from '../../lib/doctor/render';
import type { DoctorReport } from '../../lib/doctor/types';
import { errorLine } from '../../lib/cli/command-error';
import { renderScopesModule } from '../../lib/import/render-module';
import { commentText, quoteString } from '../../lib/source/literals';
import { markdownCode, markdownText, oneLine, terminalText, xmlText } from '../../lib/util/escape';

/** What a hostile GitLab (or a project someone named cleverly) puts in paths, names and messages. */
const LINK = '[click](https://evil.example/steal)';
const IMAGE = '![x](https://evil.example/pixel.png)';
const HTML = '<img src=x onerror=alert(1)><details open>';
const MENTION = '@security-team @all';
const REFS = 'acme/web#1 !2 ~urgent %v1 $3 &4';
const TICKS = '`code` ``` fence';
const AUTOLINK = 'see https://evil.example/x and www.evil.example';
const ANSI = '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u001b]0;title\u0007';
const CR = 'all good\rFAKE: in sync';
const CONTROLS = 'bell\u0007 nul\u0000 c1\u009b31m bidi\u202eevil\u2066';
const HOSTILE = [LINK, IMAGE, HTML, MENTION, REFS, TICKS, AUTOLINK, ANSI, CR, CONTROLS].join(' | ');

/** Markdown that, rendered by GitLab, would hold a link, an image, HTML, a mention, a reference or a code span opened by our text. */
function markdownProblems(md: string): string[] {
  const found: string[] = [];
  const outsideCode = md.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
  if (/(?<!\\)\[[^\]]*(?<!\\)\]\(/.test(outsideCode)) found.push('link or image');
  if (/(?<!\\)<[a-z/!]/i.test(outsideCode.replace(/<\/?(details|summary|sub|br)>/g, '').replace(/<!-- tokenscope[^>]*-->/g, ''))) found.push('HTML');
  if (/(?<![\\\w])@[a-z]/i.test(outsideCode)) found.push('mention');
  if (/(?<![\\\w&])[#!~%$&][0-9a-z]/i.test(outsideCode.replace(/&#8203;/g, '').replace(/^#+ /gm, '').replace(/:warning:/g, ''))) found.push('reference');
  if (/https?:\/\/|www\./.test(outsideCode)) found.push('autolink');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(md)) found.push('control character');
  return found;
}

/** Text a terminal would act on: escape sequences, a bare CR, controls other than newline and tab. */
function terminalProblems(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return [...text.matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g)].map((m) => JSON.stringify(m[0]));
}

const hostileProjects: ProjectReport[] = [
  { project: `acme/${HOSTILE}`, stack: 'acme', status: 'drifted', findings: [{ kind: 'unexpected_project_entry', target: `acme/${HOSTILE}` }] },
  { project: 'acme/api', stack: 'acme', status: 'unreadable', error: `GitLab answered HTTP 500: ${HOSTILE}`, findings: [{ kind: 'permission_denied', message: HOSTILE }] },
  { project: `acme/${TICKS}`, stack: 'acme', status: 'in_sync', findings: [] },
];
const driftReport: DriftReport = { summary: summarize(hostileProjects, 3), projects: hostileProjects };

describe('Markdown: GitLab text never becomes markup', () => {
  test('the helpers', () => {
    expect(markdownText('a <b> [c](d) @e #1 `f` *g* _h_ read_api')).toBe('a \\<b\\> \\[c\\](d) \\@e \\#1 \\`f\\` \\*g\\* \\_h\\_ read_api');
    expect(markdownText('https://x.example www.y.example')).toBe('https:&#8203;//x.example www&#8203;.y.example');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownCode('acme/web')).toBe('`acme/web`');
    expect(markdownCode('a`b``c')).toBe('```a`b``c```');
    expect(markdownCode('`x')).toBe('`` `x ``');
    expect(markdownCode('a|b\nc')).toBe('`a\\|b c`');
    expect(markdownProblems(markdownText(HOSTILE))).toEqual([]);
  });

  test('drift --format markdown', () => {
    const md = renderDriftMarkdown(driftReport);
    expect(markdownProblems(md)).toEqual([]);
    // every row stays one table row
    expect(md.split('\n').filter((l) => l.startsWith('| ')).every((l) => l.split(/(?<!\\)\|/).length === 8)).toBe(true);
  });

  test('plan-summary markdown, its MR note and the permissions section', () => {
    const summary = buildSummary({ plans: [], scopes: [], warnings: [HOSTILE, `auth log of acme/${HOSTILE} unreadable`], now: new Date(0) });
    const md = renderPlanMarkdown(summary);
    expect(markdownProblems(md)).toEqual([]);
    expect(markdownProblems(noteBody(md, noteMarker('key')))).toEqual([]);
    const section = policySectionMarkdown({
      mode: 'compared',
      rows: [{ project: `acme/${HOSTILE}`, kind: 'project', target: `acme/${TICKS}`, declared: { defaultPermissions: true, policies: [] } }],
      notes: [HOSTILE],
    });
    expect(markdownProblems(section)).toEqual([]);
  });
});

describe('terminal: no escape sequences, no bare CR, no control characters', () => {
  test('the helpers', () => {
    expect(terminalText(ANSI)).toBe('red link ');
    expect(terminalText(CR)).toBe('all goodFAKE: in sync');
    expect(terminalText('a\r\nb\tc')).toBe('a\nb\tc');
    expect(oneLine('a\nb\u2028c')).toBe('a bc');
    expect(terminalProblems(terminalText(HOSTILE))).toEqual([]);
  });

  test('drift text (with and without colour), doctor, suggest, policies, command errors', () => {
    const driftText = renderDriftText(driftReport, { color: false });
    expect(terminalProblems(driftText)).toEqual([]);
    // our own colours stay: only SGR codes of ours
    const coloured = renderDriftText(driftReport, { color: true });
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(driftText);

    const doctor: DoctorReport = {
      tokenType: 'ci_job_token', valid: true, verdict: `Valid: job "${HOSTILE}"`, identity: {}, fix: HOSTILE, online: true, verified: true,
      checks: [{ id: 'token.live', status: 'pass', message: `live CI job token: job 1 "${HOSTILE}"`, remedy: '' }],
    };
    expect(terminalProblems(renderDoctorText(doctor, 'tokenscope doctor'))).toEqual([]);

    const suggest: SuggestReport = {
      summary: { projects: 1, withChanges: 1, additions: 1, removals: 0, unreadable: 0, deletedOrigins: 0, requests: 1 },
      options: { unusedDays: 90, compactThreshold: 5, since: '2026-01-01T00:00:00Z' },
      caveats: [CONTROLS],
      projects: [{
        project: `acme/${CR}`, status: 'changes', deletedOrigins: 0, notes: [HOSTILE], error: ANSI,
        add: [{ kind: 'project', target: `acme/${ANSI}`, reason: 'used_not_allowed', lastAuthorizedAt: '2026-01-02' }], remove: [],
      }],
    };
    const suggestText = renderSuggestText(suggest);
    expect(terminalProblems(suggestText)).toEqual([]);
    expect(suggestText).toContain('\nacme/all goodFAKE: in sync\n');

    const policies = buildReport('https://gitlab.example.com', {
      declared: [], feature: { version: '18.6.0' }, problems: [HOSTILE], warnings: [CR], plan: { changes: [], skipped: [], unchanged: 0 },
    } as never, undefined);
    expect(terminalProblems(renderPoliciesText(policies))).toEqual([]);

    expect(terminalProblems(errorLine('drift', `GitLab answered HTTP 500: ${HOSTILE}`))).toEqual([]);
  });
});

describe('JUnit: GitLab text is escaped for XML', () => {
  test('no raw markup, no characters XML cannot carry', () => {
    const xml = renderJunit(driftReport);
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<details');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    expect(xmlText('a<b>&"\'\u0000\u001b[31m\ud800z')).toBe('a&lt;b&gt;&amp;&quot;&apos;z');
  });
});

describe('generated TypeScript: nothing breaks out of a literal or a comment', () => {
  /** Statements of a TypeScript text, and its syntax errors. */
  function parse(text: string): { kinds: string[]; errors: number } {
    const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS } });
    const sf = ts.createSourceFile('m.ts', text, ts.ScriptTarget.ES2022, true);
    return { kinds: sf.statements.map((s) => ts.SyntaxKind[s.kind]), errors: out.diagnostics?.length ?? 0 };
  }

  test('the helpers', () => {
    expect(quoteString("a'b\\c\nd\r\u2028\u2029\u0000\u001b")).toBe("'a\\'b\\\\c\\nd\\r\\u2028\\u2029\\u0000\\u001b'");
    expect(commentText('a */ b\nc\u2028d')).toBe('a *\\/ b c d');
  });

  test('import: paths, reasons and --url with comment terminators and newlines', () => {
    const evil = "x'); process.exit(1); ('";
    const text = renderScopesModule({
      functionName: 'acmeScopes',
      importFrom: 'tokenscope',
      command: 'tokenscope import --group acme',
      gitlabUrl: 'https://gitlab.example.com/a*/ require("child_process").execSync("id") /*',
      scopes: [{ project: `acme/${evil}`, limitAccess: true, projects: [{ path: `acme/x\n*/ evil() /*`, autopopulated: true }], groups: [{ path: 'acme/\u2028g', autopopulated: false }] }],
      unreadable: [{ project: 'acme/y', reason: 'GitLab said */ process.exit(2) /*\nand // more\u2028lines' }],
    });
    const { kinds, errors } = parse(text);
    expect(errors).toBe(0);
    expect(kinds).toEqual(['ImportDeclaration', 'ImportDeclaration', 'FunctionDeclaration']);
    const header = text.slice(0, text.indexOf('*/') + 2);
    expect(header.split('\n').every((l) => l === '/**' || l.startsWith(' *'))).toBe(true);
    expect(text).not.toContain('execSync("id") /*\n');
  });
});
