import { buildReport, ReachInput } from '../../lib/reach';
import { dotString, htmlText, mermaidText, plain, renderDot, renderText, scriptJson } from '../../lib/reach/render';

const evil = 'acme/x"]\u001b[31m\u202e<b>&\n';

describe('text from GitLab carries no markup or control codes into a report', () => {
  it('each escaper', () => {
    // The shared terminal cleaning: the whole escape sequence goes (not only ESC), bidi overrides go, one line.
    expect(plain(evil)).toBe('acme/x"]<b>& ');
    expect(mermaidText(evil)).toBe('acme/x#34;#93;#60;b#62;#38; ');
    expect(dotString(evil)).toBe('"acme/x\\"]<b>& "');
    expect(htmlText(evil)).toBe('acme/x&quot;]&lt;b&gt;&amp; ');
    expect(scriptJson({ a: '</script><!--\u2028' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  it('text and DOT reports of a graph with a hostile name', () => {
    const input: ReachInput = {
      source: 'live', warnings: [], groups: new Map(),
      nodes: [
        { project: 'acme/app', visibility: 'private', limitAccess: true, enforcedByInstance: false, open: false, scanned: true },
        { project: evil, visibility: 'private', limitAccess: true, enforcedByInstance: false, open: false, scanned: true },
      ],
      scopes: [{ project: 'acme/app', entries: [{ kind: 'project', path: evil }] }, { project: evil, entries: [] }],
    };
    const { report, graph } = buildReport(input, { to: 'acme/app' });
    const text = renderText(report, graph);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(text).toContain('project entries (1): acme/x"]<b>& ');
    expect(text).not.toContain('[31m');
    const dot = renderDot(report, graph);
    expect(dot).toContain('[label="acme/x\\"]<b>& "]');
    expect(dot.split('\n').every((l) => !/[\u0000-\u0009\u000b-\u001f]/.test(l))).toBe(true);
  });
});
