import * as fs from 'fs';
import * as path from 'path';
import { demoCommand } from '../../lib/cli/commands/demo';
import { memoryIO } from '../../lib/cli/io';

/** The ```text block of the README's drift section: the demo output it shows. */
function readmeDemoOutput(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Drift: declared scope against live GitLab'));
  const start = section.indexOf('```text\n') + '```text\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

describe('tokenscope demo (npm start)', () => {
  it('prints the drift report the README shows, read-only, and exits 0 with the exit code a real run would have', async () => {
    const io = memoryIO({}, process.cwd());
    const code = await demoCommand({ format: 'text', faultRate: '0', progress: false }, io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    const report = out.slice(out.indexOf('tokenscope drift: '), out.indexOf('\nThe demo org'));
    expect(report).toBe(readmeDemoOutput());
    expect(out.split('\n')[0]).toMatch(/^tokenscope demo: sandbox GitLab at http:\/\/127\.0\.0\.1:\d+ with the acme org; tokenscope's built-in acme example app \(main\.ts\) synthesized to \S+ \(temporary\)$/);
    expect(out).toMatch(/\nThe demo org's live state differs from the example app on purpose\. A real run would exit 2 \(0 in sync, 2 drift, 1 unreadable or error\)\. Sandbox: \d+ HTTP requests, 0 mutations\.\n$/);
  });

  it('run from an ops repo, says it checks its own example, not ./main.ts', async () => {
    const ops = fs.mkdtempSync(path.join(require('os').tmpdir(), 'demo-ops-'));
    try {
      fs.writeFileSync(path.join(ops, 'main.ts'), '// the ops repo\'s own app\n');
      const io = memoryIO({}, ops);
      expect(await demoCommand({ format: 'text', faultRate: '0', progress: false }, io)).toBe(0);
      const example = path.join(__dirname, '..', '..', 'main.ts');
      expect(io.out().split('\n')[0]).toContain(
        `with the acme org; tokenscope's built-in acme example app (${example}) (not ./main.ts: the demo always checks this example ` +
          'against the demo org; `tokenscope drift` checks your app) synthesized to ',
      );
    } finally {
      fs.rmSync(ops, { recursive: true, force: true });
    }
  });

  it('refuses a fault rate outside 0..1 with the exact words', async () => {
    const io = memoryIO({}, process.cwd());
    expect(await demoCommand({ format: 'text', faultRate: '1.5', progress: false }, io)).toBe(1);
    expect(io.err()).toBe('tokenscope demo: --fault-rate "1.5" must be a number from 0 to below 1\n');
  });
});
