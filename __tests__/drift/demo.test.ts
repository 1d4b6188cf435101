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
    expect(out).toMatch(/\nThe demo org's live state differs from main\.ts on purpose\. A real run would exit 2 \(0 in sync, 2 drift, 1 unreadable or error\)\. Sandbox: \d+ HTTP requests, 0 mutations\.\n$/);
  });

  it('refuses a fault rate outside 0..1 with the exact words', async () => {
    const io = memoryIO({}, process.cwd());
    expect(await demoCommand({ format: 'text', faultRate: '1.5', progress: false }, io)).toBe(1);
    expect(io.err()).toBe('tokenscope demo: --fault-rate "1.5" must be a number from 0 to below 1\n');
  });
});
