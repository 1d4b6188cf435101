import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { COMMANDS } from '../../lib/cli/commands';

const HELP_DIR = path.join(__dirname, '..', '..', 'help');
const argv = (...args: string[]) => ['node', 'tokenscope', ...args];

describe('CLI help', () => {
  test('--help lists every registered command and exits 0', async () => {
    const io = memoryIO();
    expect(await runCli(argv('--help'), io)).toBe(0);
    for (const m of COMMANDS) expect(io.out()).toMatch(new RegExp(`^  ${m.name}\\b`, 'm'));
    expect(io.out()).toContain('Exit codes (each command');
  });

  test.each(COMMANDS.map((m) => [m.name]))('%s --help shows its help page', async (name) => {
    const page = path.join(HELP_DIR, `${name}.md`);
    expect(fs.existsSync(page)).toBe(true);
    const io = memoryIO();
    expect(await runCli(argv(name, '--help'), io)).toBe(0);
    const firstLine = fs.readFileSync(page, 'utf8').split('\n').find((l) => l.trim() !== '') as string;
    expect(io.out()).toContain(firstLine.trim());
  });

  test('an unknown command or flag is a usage error (exit 1) with a pointer to --help', async () => {
    const io = memoryIO();
    expect(await runCli(argv('frobnicate'), io)).toBe(1);
    expect(io.err()).toContain("error: unknown command 'frobnicate'");
    expect(io.err()).toContain('(run with --help for usage)');
  });

  test('--version prints the package version', async () => {
    const io = memoryIO();
    expect(await runCli(argv('--version'), io)).toBe(0);
    expect(io.out().trim()).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  });
});
